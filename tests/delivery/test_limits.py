"""The largest config we allow, in every mode, against Telegram's limits.

30 topics with titles as long as the config accepts (Khmer, emoji: UTF-16 counts those twice)
and 60 stories as long as the feeds make them, some hostile; rendered as alerts, a batch and
daily and weekly digests, discreet or not, for groups and private chats, in every language.
Telegram must accept every message (the stand-in's rules: valid HTML, at most 4096 UTF-16 code
units of visible text) and a digest must carry every story exactly once, each message
opening with a topic header. Hypothesis adds text of its own (derandomized: CI runs the same
examples).
"""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from news.delivery.periods import Period
from news.delivery.plan import NewMessage, plan_alerts, plan_digest
from news.feeds.normalise import MAX_TITLE
from news.i18n.translator import Translator
from news.models import ChatSettings, StoredStory, TopicMatch
from news.topics.config import TopicConfig
from tests.delivery.checks import check_accepted, check_each_story_once, check_framing
from tests.languages import EACH, EN


def longest(field: str) -> int:
    """TopicConfig's own limit: the test follows the config if it ever changes."""
    limits = TopicConfig.model_fields[field].metadata
    return int(next(m.max_length for m in limits if hasattr(m, "max_length")))


# Each title exactly at TopicConfig's limits, in the scripts that cost the most UTF-16.
LONGEST_TITLE, LONGEST_DESCRIPTION = longest("title"), longest("description")
SUMMARY = 350  # news.text.summary.summarise's default max_chars
FILLERS = ["សិទ្ធិមនុស្ស និងសង្គមស៊ីវិល ", "🇰🇭✊🏽 ", "Rights & <freedoms> ", "ពន្ធEBA 📰 "]
TOPICS = [
    TopicConfig(
        slug=f"topic-{n}",
        title=f"{n} " + (FILLERS[n % 4] * LONGEST_TITLE)[: LONGEST_TITLE - 3],
        description=(FILLERS[n % 4] * LONGEST_DESCRIPTION)[:LONGEST_DESCRIPTION],
        any_of={"terms": [f"term{n}"]},
    )
    for n in range(30)
]
TITLES = {topic.slug: topic.title for topic in TOPICS}
FOLLOWED = list(TITLES)
WHEN = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)


def long_text(n: int, length: int) -> str:
    return (FILLERS[n % 4] + f"story {n} ") * length


def story(n: int) -> StoredStory:
    """Story ``n``: every field as long as a feed can make it; every tenth one hostile."""
    hostile = n % 10 == 0
    title = long_text(n, 200)[: 2000 if hostile else MAX_TITLE]
    topics = tuple(
        TopicMatch(f"topic-{(n + k) % 30}", tuple(f"term {k} {FILLERS[k % 4]}" for k in range(9)))
        for k in range(3)
    )
    return StoredStory(
        id=n,
        title=title + (' & <b>"bold"</b> &amp;' if hostile else ""),
        summary=long_text(n + 1, 100)[: 5000 if hostile else SUMMARY],
        url=f"https://example.org/story/{n}?a=1&b=<2>",
        original_url=f"https://publisher.example/original/{n}",
        context_url=None,
        outlet=long_text(n + 2, 10)[:120],
        author=long_text(n + 3, 10)[: 500 if hostile else 80],
        publisher=long_text(n, 10)[:80] if n % 3 else None,
        published=WHEN,
        first_seen=WHEN,
        language="km",
        source_type="ngo",
        also_reported_by=tuple(long_text(k, 2)[:60] for k in range(12)),
        # Story 7's topic was unfollowed since: it shows under "Other".
        topics=(TopicMatch("gone", ("x",)),) if n == 7 else topics,
    )


STORIES = [story(n) for n in range(1, 61)]
MODES = ["alert", "batch", "daily", "weekly"]


def chat(chat_type: str, *, discreet: bool) -> ChatSettings:
    zone = "Asia/Phnom_Penh" if chat_type == "group" else "America/New_York"
    return ChatSettings(1, chat_type, "instant", "08:00", zone, "mon", discreet=discreet)


def planned(
    mode: str, settings: ChatSettings, stories: list[StoredStory], tr: Translator = EN
) -> list[NewMessage]:
    if mode in ("alert", "batch"):
        coalesce_after = len(stories) if mode == "alert" else 0
        messages, _ = plan_alerts(
            settings,
            stories,
            [],
            coalesce_after=coalesce_after,
            topic_titles=TITLES,
            followed=FOLLOWED,
            tr=tr,
        )
        return messages
    period = Period(f"{mode}:2026-12-07", date(2026, 12, 7), WHEN)
    return plan_digest(settings, period, stories, topic_titles=TITLES, followed=FOLLOWED, tr=tr)


@pytest.mark.parametrize("tr", EACH, ids=lambda tr: tr.language)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("discreet", [False, True], ids=["plain", "discreet"])
@pytest.mark.parametrize("chat_type", ["private", "group"])
def test_the_largest_config_fits_telegram_in_every_mode(mode, discreet, chat_type, tr):
    messages = planned(mode, chat(chat_type, discreet=discreet), STORIES, tr)
    texts = [m.text for m in messages]
    for text in texts:
        check_accepted(text)
    check_each_story_once(texts, STORIES)
    if mode == "alert":
        assert len(texts) == len(STORIES)
    else:
        check_framing(texts, discreet=discreet, tr=tr)
        assert len(texts) > 1
        assert [m.part for m in messages] == list(range(len(messages)))


# Any character Telegram can carry, weighted towards what costs more or needs escaping.
AWKWARD = st.sampled_from(["<", ">", "&", "&amp;", '"', "🇰🇭", "ស្ដី", "\u200b", "👩🏽‍⚖️", " "])
TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=40), AWKWARD),
    max_size=60,
).map("".join)
PROPERTY = settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY
@given(
    texts=st.lists(st.tuples(TEXT, TEXT), min_size=1, max_size=60),
    mode=st.sampled_from(MODES),
    discreet=st.booleans(),
    tr=st.sampled_from(EACH),
)
def test_any_text_fits_telegram(texts, mode, discreet, tr):
    stories = [
        replace(STORIES[n], title=title or "t", summary=summary, author=summary[:100] or None)
        for n, (title, summary) in enumerate(texts)
    ]
    texts_sent = [m.text for m in planned(mode, chat("private", discreet=discreet), stories, tr)]
    for text in texts_sent:
        check_accepted(text)
    check_each_story_once(texts_sent, stories)
    if mode != "alert":
        check_framing(texts_sent, discreet=discreet, tr=tr)
