"""The pacer's bookkeeping: planned slots, and the check against sends actually made."""

import math

import pytest
from pydantic import ValidationError

from bot.pacing import Pacer
from news.config import DeliveryConfig


def pacer(rate: float = 4.0) -> Pacer:
    return Pacer(global_rate=rate, private_interval=1.0, group_per_minute=20)


def test_slots_are_spaced_by_the_global_rate_and_per_chat_interval():
    p = pacer()
    assert [p.reserve(chat, "private", 0.0) for chat in (1, 2, 3)] == [0.0, 0.25, 0.5]
    assert p.reserve(1, "private", 0.0) == 1.0  # chat 1 already has a message at 0.0
    assert p.reserve(9, "group", 0.0) == 1.25
    assert p.reserve(9, "group", 0.0) == 4.25  # groups: 20 a minute


def test_late_sends_that_bunch_up_are_held_to_the_rolling_window():
    p = pacer(rate=4.0)
    # Four sends planned a quarter second apart all wake together, late, at 0.9 s: they go
    # half a slot apart, not in a burst (Telegram would see the burst spill into the next
    # second), and a fifth waits for the window.
    assert p.admit(1, "private", 0.9) == 0.0
    assert p.admit(2, "private", 0.9) == pytest.approx(0.125)
    assert [p.admit(chat, "private", at) for chat, at in ((2, 1.025), (3, 1.15), (4, 1.275))] == [
        0.0
    ] * 3
    assert p.admit(5, "private", 1.4) == 0.9 + 1.0 - 1.4
    assert p.admit(5, "private", 1.9) == 0.0


def test_what_a_hold_kept_back_goes_out_spaced():
    p = pacer(rate=4.0)
    p.hold_all(1.0)
    assert p.admit(1, "private", 1.0) == 0.0
    assert [p.admit(chat, "private", 1.0) for chat in (2, 3)] == pytest.approx([0.125] * 2)


def test_a_private_chat_is_spaced_from_when_its_message_was_answered():
    p = pacer()
    assert p.admit(1, "private", 0.0) == 0.0
    assert p.admit(1, "private", 0.1) == math.inf  # in flight: wait for its answer
    p.answered(1, 0.3)
    assert p.admit(1, "private", 0.5) == 0.8  # a second after the answer, not the send
    assert p.admit(1, "private", 1.3) == 0.0


def test_a_group_takes_twenty_messages_a_minute_in_any_rhythm():
    p = pacer(rate=30.0)
    for n in range(20):
        assert p.admit(-5, "supergroup", n * 0.1) == 0.0
        p.answered(-5, n * 0.1)
    assert p.admit(-5, "supergroup", 2.0) == 58.0  # the 21st waits for the first to age out
    assert p.admit(-5, "supergroup", 60.0) == 0.0


def test_pushes_leave_waiting_replies_the_last_places():
    p = pacer(rate=4.0)
    assert [p.admit(chat, "private", at) for chat, at in ((1, 0.0), (2, 0.125), (3, 0.25))] == [
        0.0
    ] * 3
    p.urgent = 1  # a reply is waiting
    assert p.admit(4, "private", 0.4) == 0.6  # the push would take the reply's place
    assert p.admit(5, "private", 0.4, urgent=True) == 0.0
    p.urgent = 0
    assert p.admit(4, "private", 1.0) == 0.0


def test_reply_tickets_are_spaced_and_independent_of_planned_pushes():
    p = pacer(rate=4.0)
    assert [p.reserve(chat, "private", 0.0) for chat in (1, 2, 3, 4)] == [0.0, 0.25, 0.5, 0.75]
    assert [p.ticket_wait(p.ticket(0.0), 0.0) for _ in range(3)] == [0.0, 0.25, 0.5]


def test_a_held_chat_waits_and_others_do_not():
    p = pacer()
    p.hold_chat(1, 5.0)
    assert p.admit(1, "private", 2.0) == 3.0
    assert p.admit(2, "private", 2.0) == 0.0
    assert p.reserve(1, "private", 2.0) == 5.0


def test_a_global_hold_stops_admission_until_it_ends():
    p = pacer()
    p.hold_all(5.0)
    assert p.admit(1, "private", 2.0) == 3.0
    assert p.admit(1, "private", 5.0) == 0.0


def test_chats_that_may_send_again_are_forgotten():
    p = pacer()
    p.admit(1, "private", 0.0)
    p.admit(2, "private", 0.0)
    p.answered(2, 0.1)
    p.forget_before(5.0)
    assert p.chat_wait(1, "private", 5.0) == math.inf  # still in flight: kept
    assert p._chats.keys() == {1}


def test_a_raise_brings_waiting_replies_forward():
    p = pacer(rate=1.0)
    tickets = [p.ticket(0.0) for _ in range(5)]
    assert p.ticket_wait(tickets[4], 0.0) == 4.0
    p.set_rate(4.0, 1.0)  # ticket 1 went at 1.0; the rest are now 0.25 s apart
    assert [p.ticket_wait(t, 1.0) for t in tickets[1:]] == [0.0, 0.25, 0.5, 0.75]


def test_at_rate_0_or_past_its_grant_nothing_is_admitted():
    p = pacer(rate=4.0)
    p.set_rate(0.0, 0.0)
    ticket = p.ticket(0.0)
    assert p.ticket_wait(ticket, 0.0) == math.inf
    assert p.admit(1, "private", 0.0) > 0
    p.set_rate(4.0, 1.0, until=2.0)
    assert p.ticket_wait(ticket, 1.0) == 0.0
    assert p.admit(1, "private", 1.0) == 0.0
    assert p.admit(2, "private", 2.5) > 0  # the grant ran out: held until renewed
    assert p.rate(2.5) == 0.0


def test_a_config_that_still_sets_reply_share_is_told_it_was_removed():
    with pytest.raises(ValidationError, match="reply_share was removed"):
        DeliveryConfig.model_validate({"global_rate": 28, "reply_share": 0.05})
