"""Two processes sharing one token's rate: ``allot`` driven through every interleaving.

The model runs ``RateShare.step``'s three atomic parts (read and lower; publish; read again
and raise) for an ``updates`` and a ``send`` process over a shared table of rows, with the
clock moved and demand changed between any two of them, and either process stalling for as
long as it likes. What each process may have sent in a rolling second is the most it paced
at during that second: the rates in force, so counted, never add up to more than the token's.
"""

import math
from dataclasses import dataclass, field

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.rate_share import GRANT, MARGIN, Share, allot, splits

GLOBAL = 28.0
WINDOW = 1.0  # Telegram's, in seconds


@dataclass
class Process:
    """One side's pacer and where it is in its step."""

    role: str
    skew: float = 0.0  # its wall clock, ahead of the true time by this much
    rate: float = 0.0
    until: float = 0.0  # its grant: past it, it paces at 0
    phase: int = 0
    allowed: float = 0.0
    current: float = 0.0
    changes: list[tuple[float, float]] = field(default_factory=lambda: [(-math.inf, 0.0)])

    def in_force(self, t: float) -> float:
        return self.rate if t < self.until else 0.0

    def set(self, rate: float, t: float) -> None:
        self.rate = rate
        self.changes.append((t, self.in_force(t)))

    def window(self, t: float) -> float:
        """The most it paced at in the second up to ``t`` (grant lapses included)."""
        points = [*self.changes, (self.until, 0.0)] if self.until <= t else self.changes
        points = sorted(points)
        start = t - WINDOW
        seen = [v for time, v in points if start < time <= t]
        before = [v for time, v in points if time <= start]
        return max([*seen, before[-1] if before else 0.0, self.in_force(t)])


@dataclass
class World:
    t: float = 0.0
    wants: float = 0.0  # what the updates process's replies need
    rows: dict[str, Share] = field(default_factory=dict)

    def other(self, p: Process) -> Share | None:
        return self.rows.get("send" if p.role == "updates" else "updates")

    def want(self, p: Process) -> float:
        return self.wants if p.role == "updates" else GLOBAL

    def step(self, p: Process) -> None:
        """One atomic part of ``RateShare.step``."""
        t = self.t
        if p.phase == 0:  # read; lower at once
            p.allowed = allot(GLOBAL, p.role, self.want(p), self.other(p), t + p.skew, MARGIN)
            p.current = p.in_force(t)  # 0 once the grant ran out: renewing is a raise
            if min(p.allowed, p.current) < p.rate:
                p.set(min(p.allowed, p.current), t)
            p.phase = 1
        elif p.phase == 1:  # publish what it may have sent in a second, and the raise
            if t >= p.until:  # the grant ran out since the read: renewing it is a raise
                p.set(0.0, t)
                p.current = 0.0
            counts = max(p.allowed, p.in_force(t), p.window(t))
            self.rows[p.role] = Share(counts, self.want(p), t + p.skew + GRANT)
            if p.until <= t:  # the grant had run out: it paced at 0 since
                p.changes.append((p.until, 0.0))
            p.until = t + GRANT
            p.changes.append((t, p.in_force(t)))
            p.phase = 2 if p.allowed > p.current else 0
        else:  # read again; raise only as far as both reads allow
            again = allot(GLOBAL, p.role, self.want(p), self.other(p), t + p.skew, MARGIN)
            p.set(min(p.allowed, again), t)
            p.phase = 0


def check(world: World, processes: list[Process]) -> None:
    total = sum(p.window(world.t) for p in processes)
    assert total <= GLOBAL, (world.t, [(p.role, p.window(world.t)) for p in processes])


actions = st.one_of(
    st.tuples(st.just("step"), st.sampled_from([0, 1])),
    st.tuples(st.just("tick"), st.sampled_from([0.05, 0.25, 0.5, 1.0, 3.0])),
    st.tuples(st.just("want"), st.sampled_from([0.0, 1.0, 3.5, 14.0, 28.0, 40.0])),
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(actions, max_size=80),
    st.sampled_from([None, 0, 1]),
    st.sampled_from([-1.0, 0.0, 0.5, 1.0]),  # clocks up to a second apart
)
def test_two_processes_never_pace_past_the_token_and_reach_their_share(script, stalled, skew):
    world = World()
    processes = [Process("updates", skew=skew), Process("send")]
    for action, value in script:
        if action == "step":
            world.step(processes[int(value)])
        elif action == "tick":
            world.t += value
        else:
            world.wants = value
        check(world, processes)
    # Then a fair run: both step in turn (one of them perhaps stalled for good).
    for _ in range(40):
        for index, p in enumerate(processes):
            if index != stalled:
                world.step(p)
                check(world, processes)
        world.t += 0.25
        check(world, processes)
    updates, send = processes
    share = math.floor(min(GLOBAL, world.wants))
    if stalled is None:  # each at its part: replies first, pushes the rest
        assert (updates.in_force(world.t), send.in_force(world.t)) == (share, GLOBAL - share)
    else:  # the stalled one's grant ran out: the other takes all of it
        live = processes[1 - stalled]
        assert live.in_force(world.t) == GLOBAL
        assert processes[stalled].in_force(world.t) == 0


def test_allot_gives_replies_first_and_the_sender_the_rest():
    now = 100.0
    sender = Share(rate=20.0, wants=28.0, until=now + 2)
    assert allot(28, "updates", 10, sender, now, MARGIN) == 8  # not more than the sender left
    assert allot(28, "updates", 5, Share(0, 28, now + 2), now, MARGIN) == 5  # what it needs
    assert allot(28, "send", 28, Share(3, 5, now + 2), now, MARGIN) == 23
    assert allot(28, "send", 28, Share(0, 0, now + 2), now, MARGIN) == 28  # replies idle
    assert allot(28, "updates", 0, None, now, MARGIN) == 28  # no sender: all of it
    stale = Share(rate=28, wants=28, until=now - 0.5)
    assert allot(28, "updates", 10, stale, now, MARGIN) == 0  # not before the margin
    assert allot(28, "updates", 10, stale, now + 1.5, MARGIN) == 28  # then it counts as 0


def test_only_a_process_with_one_of_the_two_roles_shares():
    assert splits(frozenset({"updates", "schedule"})) == "updates"
    assert splits(frozenset({"send", "poll"})) == "send"
    assert splits(frozenset({"updates", "send"})) is None
    assert splits(frozenset({"poll"})) is None
