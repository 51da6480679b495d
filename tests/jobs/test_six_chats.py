"""The issue's six chats through a week of news (tests/scenario.py), with Telegram's limits on.

Per chat and step: how many messages, what they open with, the dates they show, and that no
old story is ever pushed.
"""

import asyncio
from pathlib import Path

import pytest

from news.delivery.render import MAX_MESSAGE, utf16_len
from tests.scenario import DAILY, DISCREET, GROUP, INSTANT, LATE, WEEKLY, Step, run


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> list[Step]:
    """Run once for the module: the script takes a few seconds."""
    return asyncio.run(run(Path(tmp_path_factory.mktemp("six"))))


def counts(step: Step) -> dict[int, int]:
    return {chat: sum(r.method == "sendMessage" for r in sent) for chat, sent in step.sent.items()}


def texts(steps: list[Step], chat: int) -> list[str]:
    return [r.text for s in steps for r in s.sent[chat] if r.method == "sendMessage"]


def test_each_chat_gets_what_its_mode_promises_and_nothing_old(steps):
    read, archive, fresh, daily, weekly = (counts(s) for s in steps)
    assert read == {INSTANT: 2, DAILY: 0, WEEKLY: 0, DISCREET: 2, LATE: 0, GROUP: 2}
    assert archive == dict.fromkeys(read, 0)  # 88 old items: no message at all
    assert fresh == {INSTANT: 1, DAILY: 0, WEEKLY: 0, DISCREET: 1, LATE: 1, GROUP: 1}
    assert daily == {INSTANT: 0, DAILY: 1, WEEKLY: 0, DISCREET: 0, LATE: 0, GROUP: 0}
    assert weekly == {INSTANT: 0, DAILY: 0, WEEKLY: 1, DISCREET: 0, LATE: 0, GROUP: 0}
    everything = [t for chat in read for t in texts(steps, chat)]
    assert not [t for t in everything if "story old-" in t]
    assert all(utf16_len(t) <= MAX_MESSAGE for t in everything)


def test_the_batch_says_what_it_holds(steps):
    [batch] = texts(steps, INSTANT)[2:]
    assert batch.startswith("5 new stories: ")
    assert [t.splitlines()[0] for t in texts(steps, LATE)] == [batch.splitlines()[0]]


def test_dates_are_the_chats_own(steps):
    # Published 06:30 on 27 Nov in Phnom Penh, which is 23:30 on the 26th in UTC.
    [dawn] = [t for t in texts(steps, INSTANT) if "EBA story dawn" in t and "new-" not in t]
    assert "27 Nov 2026" in dawn
    assert "26 Nov 2026" not in dawn


def test_discreet_chats_never_see_the_word_digest(steps):
    for chat in (WEEKLY, DISCREET):
        assert all("digest" not in t.lower() for t in texts(steps, chat))
        assert all(t.startswith("New stor") for t in texts(steps, chat))
