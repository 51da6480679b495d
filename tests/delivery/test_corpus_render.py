"""Real feeds, rendered: every item of the shared corpus's news-like feeds, through the same
normalising as a poll, into digests, batches and alerts that Telegram must accept.

Reads ../shared/corpus/feeds at test time (never copied into the project) and skips when it
is absent. Three broad topics stand in for the real ones, so that most items match.
"""

import random
from datetime import UTC, date, datetime

import pytest

from news.delivery.periods import Period
from news.delivery.plan import plan_alerts, plan_digest
from news.feeds.normalise import parse_document
from news.models import ChatSettings, FeedContext, ParseError, StoredStory
from news.topics.config import TopicConfig
from news.topics.match import compile_topics
from tests.conftest import SHARED
from tests.delivery.checks import check_accepted, check_each_story_once, check_framing
from tests.languages import EN

CORPUS = SHARED / "corpus" / "feeds"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPUS.is_dir(),
        reason=f"shared feed corpus not found at {CORPUS} (only in the full workspace and CI)",
    ),
]
KINDS = ("news", "rss2", "atom", "rdf", "json")
NOW = datetime(2026, 11, 27, 8, tzinfo=UTC)
TOPICS = [
    TopicConfig(
        slug=slug,
        title=title,
        description=title,
        any_of={"terms": terms},
    )
    for slug, title, terms in [
        ("rights", "Rights and the courts", ["rights", "court", "police", "prison", "protest"]),
        ("tech", "Technology", ["software", "google", "apple", "app", "data"]),
        ("world", "Everything else", ["the", "and", "of", "a", "in", "to"]),
    ]
]
TITLES = {topic.slug: topic.title for topic in TOPICS}


def corpus_stories() -> list[StoredStory]:
    """Every matching item, as the store would hand it back."""
    compiled = compile_topics(TOPICS)
    stories: list[StoredStory] = []
    for path in sorted(p for kind in KINDS for p in (CORPUS / kind).iterdir() if p.is_file()):
        feed = FeedContext(f"https://feeds.example/{path.name}", path.stem, "ngo", "en")
        try:
            parsed = parse_document(path.read_bytes(), {}, feed, compiled, NOW)
        except ParseError:
            continue
        stories += [
            StoredStory(
                id=len(stories) + n,
                title=e.title,
                summary=e.summary,
                url=f"https://example.org/story/{len(stories) + n}?{e.url}",
                original_url=e.original_url,
                context_url=None,
                outlet=feed.name,
                author=e.author,
                publisher=e.publisher,
                published=e.published or NOW,
                first_seen=NOW,
                language="en",
                source_type=feed.source_type,
                topics=e.topics,
            )
            for n, e in enumerate((e for e in parsed.entries if e.topics), start=1)
        ]
    return stories


@pytest.fixture(scope="module")
def stories() -> list[StoredStory]:
    return corpus_stories()


@pytest.mark.parametrize("discreet", [False, True], ids=["plain", "discreet"])
def test_real_feeds_render_into_messages_telegram_accepts(stories, discreet):
    assert len(stories) > 500
    chat = ChatSettings(1, "private", "daily", "08:00", "Asia/Phnom_Penh", "mon", discreet)
    period = Period("daily:2026-11-27", date(2026, 11, 27), NOW)
    pick = random.Random(27)
    for size in (1, 3, 12, 40, 150):
        chosen = pick.sample(stories, size)
        digest = plan_digest(
            chat, period, chosen, topic_titles=TITLES, followed=list(TITLES), tr=EN
        )
        batch, _ = plan_alerts(
            chat, chosen, [], coalesce_after=0, topic_titles=TITLES, followed=list(TITLES), tr=EN
        )
        for messages in ([m.text for m in digest], [m.text for m in batch]):
            for text in messages:
                check_accepted(text)
            check_framing(messages, discreet=discreet)
            check_each_story_once(messages, chosen)
    alerts, _ = plan_alerts(
        chat,
        stories,
        [],
        coalesce_after=len(stories),
        topic_titles=TITLES,
        followed=["world"],
        tr=EN,
    )
    for alert in alerts:
        check_accepted(alert.text)
