"""The pacer's bookkeeping: planned slots, and the check against sends actually made."""

from bot.pacing import Pacer


def pacer(rate: float = 4.0) -> Pacer:
    return Pacer(global_rate=rate, private_interval=1.0, group_interval=3.0)


def test_slots_are_spaced_by_the_global_rate_and_per_chat_interval():
    p = pacer()
    assert [p.reserve(chat, "private", 0.0) for chat in (1, 2, 3)] == [0.0, 0.25, 0.5]
    assert p.reserve(1, "private", 0.0) == 1.0  # chat 1 already has a message at 0.0
    assert p.reserve(9, "group", 0.0) == 1.25
    assert p.reserve(9, "group", 0.0) == 4.25  # groups: 20 a minute


def test_late_sends_that_bunch_up_are_held_to_the_rolling_window():
    p = pacer(rate=4.0)
    # Four sends planned a quarter second apart all wake together, late, at 0.9 s.
    assert [p.admit(chat, "private", 0.9) for chat in (1, 2, 3, 4)] == [0.0] * 4
    assert p.admit(5, "private", 0.95) == 0.9 + 1.0 - 0.95  # a fifth must wait for the window
    assert p.admit(5, "private", 1.9) == 0.0


def test_a_chat_is_respaced_from_when_its_message_actually_went():
    p = pacer()
    planned = p.reserve(1, "private", 0.0)
    assert p.admit(1, "private", planned + 0.3) == 0.0  # went 0.3 s late
    assert p.reserve(1, "private", 0.5) == 1.3  # not 1.0: Telegram counts the real send


def test_a_global_hold_stops_admission_until_it_ends():
    p = pacer()
    p.hold_all(5.0)
    assert p.admit(1, "private", 2.0) == 3.0
    assert p.admit(1, "private", 5.0) == 0.0
