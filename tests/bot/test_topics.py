"""/topics and a bare /subscribe with the largest topic list a config allows: a page a time.

Thirty topics with the longest titles and descriptions, in English and in Khmer, are three
times what one message holds; the stand-in refuses a message over 4,096 characters as
Telegram does, and button data over 64 bytes.
"""

from collections.abc import AsyncIterator

import pytest

from bot.handlers.errors import SORRY, STALE
from news.config import Config
from tests.bot.harness import ADMIN, USER, BotHarness, buttons, running_bot
from tests.conftest import ConfigFactory
from tests.fakes.telegram import MAX_TEXT_UTF16, FakeTelegram, SentRecord
from tests.languages import EN, KM

GROUP = -1009876543210
TOPICS = [
    {
        "slug": f"topic-{n:02d}-" + "x" * 32,  # 41 characters: the longest slug allowed
        "title": f"Topic {n:02d} " + "t" * 111,  # 120
        "description": f"About {n:02d} " + ("d " * 146)[:291],  # 300
        # Khmer as long, in letters that each cost a UTF-16 unit and need more room to read.
        "translations": {
            "km": {
                "title": (f"ប្រធានបទ {n:02d} " + "ស្ដ" * 40)[:120],
                "description": (f"អំពី {n:02d} " + "សិទ្ធិ " * 50)[:300],
            }
        },
        "any_of": {"terms": [f"term{n}"]},
    }
    for n in range(30)
]
TITLES = [str(t["title"]) for t in TOPICS]
TITLES_KM = [str(t["translations"]["km"]["title"]) for t in TOPICS]  # type: ignore[index]
assert {len(title) for title in TITLES_KM} == {120}  # TopicText's limits, in code points


@pytest.fixture
async def bot(tg: FakeTelegram, make_config: ConfigFactory) -> AsyncIterator[BotHarness]:
    config: Config = make_config(
        telegram={"api_base_url": tg.base_url, "admins": [ADMIN]}, topics=TOPICS
    )
    async with running_bot(tg, config) as harness:
        yield harness


def listed(page: SentRecord) -> list[str]:
    """The topic titles a page shows, in order (in English or in Khmer)."""
    return [
        line.removeprefix("✓ ")
        for line in page.text.splitlines()
        if "t" * 111 in line or "ស្ដ" * 30 in line
    ]


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")


def labels(page: SentRecord) -> list[str]:
    return [label for label, _ in buttons(page)]


async def turn(bot: BotHarness, page: SentRecord, label: str) -> SentRecord:
    [data] = [data for text, data in buttons(page) if text == label]
    return await bot.tap(page, data)


@pytest.mark.parametrize("command", ["/topics", "/subscribe"])
async def test_every_topic_is_on_one_page_and_the_pages_turn(bot: BotHarness, command: str):
    [page] = await bot.say(command)
    seen = [listed(page)]
    assert utf16(page.text) <= MAX_TEXT_UTF16
    assert labels(page) == [*seen[0], "Next ›"]
    while "Next ›" in labels(page):
        page = await turn(bot, page, "Next ›")
        seen.append(listed(page))
        assert utf16(page.text) <= MAX_TEXT_UTF16
    assert [title for titles in seen for title in titles] == TITLES
    assert len(seen) == 4
    assert page.text.startswith("Topics (page 4 of 4)")
    assert labels(page) == [*seen[-1], "‹ Prev"]
    page = await turn(bot, page, "‹ Prev")
    assert listed(page) == seen[2]
    assert labels(page) == [*seen[2], "‹ Prev", "Next ›"]
    assert all(len(data.encode()) <= 64 for _, data in buttons(page))


async def test_in_khmer_too_every_topic_is_on_one_page(bot: BotHarness):
    await bot.begin("km")
    [page] = await bot.say("/topics")
    seen = [listed(page)]
    while "បន្ទាប់ ›" in labels(page):
        page = await turn(bot, page, "បន្ទាប់ ›")
        seen.append(listed(page))
        assert utf16(page.text) <= MAX_TEXT_UTF16
    assert [title for titles in seen for title in titles] == TITLES_KM
    assert page.text.startswith(f"ប្រធានបទ (ទំព័រ {len(seen)} នៃ {len(seen)})".translate(DIGITS))
    assert all(len(data.encode()) <= 64 for _, data in buttons(page))


@pytest.mark.parametrize("language", ["en", "km"])
async def test_every_command_fits_one_message_in_every_language(bot: BotHarness, language: str):
    """The stand-in refuses what Telegram would (over 4,096 UTF-16 units, broken HTML): a
    refused reply would never arrive, and the apology would."""
    sorry = (EN if language == "en" else KM).gettext(SORRY)
    for chat in (USER, ADMIN):
        await bot.begin(language, chat_id=chat)
        for command in ("/help", "/topics", "/settings", "/privacy", "/latest", "/language"):
            [reply] = await bot.say(command, chat_id=chat)
            assert utf16(reply.text) <= MAX_TEXT_UTF16
            assert reply.text != sorry
    [stats] = await bot.say("/stats", chat_id=ADMIN)
    assert stats.text.split("\n")[0] in ("Stats", "ស្ថិតិ")


async def test_a_topic_followed_on_a_later_page_is_marked_there(bot: BotHarness):
    [page] = await bot.say("/topics")
    page = await turn(bot, page, "Next ›")
    title = listed(page)[1]
    page = await turn(bot, page, title)
    assert "Following" in bot.answer_text()
    assert page.text.startswith("Topics (page 2 of 4)")
    assert f"✓ {title}" in page.text
    assert f"✓ {title}" in labels(page)
    assert labels(page)[-2:] == ["‹ Prev", "Next ›"]


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("p:x", STALE),
        ("p:-1", STALE),
        ("p:99999", STALE),
        ("p:", STALE),
        ("t:no-such-topic:1", "That topic no longer exists."),
    ],
)
async def test_old_or_forged_page_buttons_change_nothing(bot: BotHarness, data, answer):
    [page] = await bot.say("/topics")
    await bot.tap(page, data, edits=False)
    assert bot.answer_text() == answer
    assert bot.versions(page) == [page]


async def test_a_page_past_the_last_shows_the_last(bot: BotHarness):
    [page] = await bot.say("/topics")
    last = await bot.tap(page, "p:9")
    assert last.text.startswith("Topics (page 4 of 4)")


async def test_a_group_reader_cannot_turn_the_pages(bot: BotHarness):
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    replies = await bot.say("/topics", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
    page = replies[-1]
    await bot.tap(page, "p:1", user_id=USER, edits=False)
    assert bot.answer_text() == "Only this group's administrators can change what it follows."
    assert bot.versions(page) == [page]
    turned = await bot.tap(page, "p:1", user_id=ADMIN)
    assert turned.text.startswith("Topics (page 2 of 4)")
    assert all(s.text != SORRY for s in bot.tg.sent(GROUP))
