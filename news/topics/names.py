"""Finding a topic from what a subscriber typed: its slug, its title, or something close. Pure."""

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

from news.topics.config import TopicConfig
from news.topics.khmer import matching_key

SURE = 90  # a fuzzy match this good, well ahead of the next, is taken as meant
AHEAD = 20
SUGGEST = 75
_SPLIT = re.compile(r"[\s\-,.'’()]+")


def find_topic(name: str, topics: Sequence[TopicConfig]) -> TopicConfig | None:
    """The topic ``name`` means: exact slug or title (any case), or one clear fuzzy winner."""
    key = matching_key(name)
    if not key:
        return None
    for topic in topics:
        if key in (matching_key(topic.slug), matching_key(topic.title)):
            return topic
    by_words = [t for t in topics if set(_words(key)) <= set(_words(f"{t.slug} {t.title}"))]
    if len(by_words) == 1:
        return by_words[0]
    ranked = _rank(key, topics)
    if (
        ranked
        and ranked[0][1] >= SURE
        and (len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= AHEAD)
    ):
        return ranked[0][0]
    return None


def suggest_topics(name: str, topics: Sequence[TopicConfig], limit: int = 3) -> list[TopicConfig]:
    """The closest topics to ``name``, best first, for a "did you mean" reply."""
    return [
        topic for topic, score in _rank(matching_key(name), topics)[:limit] if score >= SUGGEST
    ]


def _words(text: str) -> list[str]:
    return [w for w in _SPLIT.split(matching_key(text)) if w]


def _rank(key: str, topics: Sequence[TopicConfig]) -> list[tuple[TopicConfig, float]]:
    choices = {i: f"{t.slug} {t.title}" for i, t in enumerate(topics)}
    results = process.extract(
        key[:200], choices, scorer=fuzz.partial_ratio, processor=utils.default_process, limit=None
    )
    return [(topics[index], score) for _, score, index in results]
