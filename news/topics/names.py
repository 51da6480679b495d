"""Finding a topic from what a subscriber typed: its slug, a title in any language, or
something close. Pure.

Khmer is folded as the matcher folds it (zero-width spaces, COENG TA/DA, subscript RO,
spaces between words), so "សង្គម​ស៊ីវិល" finds the topic titled "…សង្គមស៊ីវិល…".
"""

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from news.topics.config import TopicConfig
from news.topics.khmer import has_khmer, matching_key

SURE = 90  # a fuzzy match this good, well ahead of the next, is taken as meant
AHEAD = 20
SUGGEST = 75
MIN_PART = 3  # Khmer typed as part of one title (and of no other) finds it, from this length
_SPLIT = re.compile(r"[\s\-,.'’()]+")


def find_topic(name: str, topics: Sequence[TopicConfig]) -> TopicConfig | None:
    """The topic ``name`` means: exact slug or title (any case, any language), or one clear
    winner by words, by part of a Khmer title, or by a fuzzy match."""
    key = matching_key(name)
    if not key:
        return None
    for topic in topics:
        if key in {matching_key(known) for known in topic.names()}:
            return topic
    by_words = [t for t in topics if set(_words(key)) <= set(_words(" ".join(t.names())))]
    if len(by_words) == 1:
        return by_words[0]
    if has_khmer(key) and len(key) >= MIN_PART:
        within = [t for t in topics if any(key in matching_key(n) for n in t.names())]
        if len(within) == 1:
            return within[0]
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
    choices = {i: " ".join(t.names()) for i, t in enumerate(topics)}
    results = process.extract(
        key[:200], choices, scorer=fuzz.partial_ratio, processor=_letters, limit=None
    )
    return [(topics[index], score) for _, score, index in results]


def _letters(text: str) -> str:
    """Letters, marks and digits only, folded: rapidfuzz's own processor drops Khmer vowel
    signs (marks, not letters), which would leave Khmer a string of bare consonants."""
    kept = (c if unicodedata.category(c)[0] in "LMN" else " " for c in matching_key(text))
    return " ".join("".join(kept).split())
