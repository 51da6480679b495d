"""Recognising one story under slightly different headlines from different outlets. Pure.

URLs decide first (the same original publisher link is the same story); this catches the
rest: reposts and wire copy whose headline differs only by an outlet suffix, punctuation or
a word or two. rapidfuzz does the string work.
"""

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from rapidfuzz import fuzz, process

from news.khmer import matching_key

SIMILAR = 92  # token_sort_ratio at or above this is the same headline
MIN_WORDS = 5  # short headlines ("Court hearing postponed") are too generic to merge
_OUTLET_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")
_PUNCT = re.compile(r"[^\w\s]+")
_NUMBER = re.compile(r"\d+")


def headline_key(title: str) -> str:
    """A headline folded for comparison: no outlet suffix, case, punctuation or extra spaces."""
    title = _OUTLET_SUFFIX.sub("", title.strip())
    return " ".join(_PUNCT.sub(" ", matching_key(title)).split())


def find_same_story(title: str, candidates: Sequence[tuple[int, str]]) -> int | None:
    """The id of a candidate (id, headline key) telling the same story, or None."""
    key = headline_key(title)
    if len(key.split()) < MIN_WORDS or not candidates:
        return None
    numbers = _NUMBER.findall(key)
    # Headlines that differ in a number ("3 activists" / "4 activists") are different news.
    keys = {i: other for i, other in candidates if _NUMBER.findall(other) == numbers}
    best = process.extractOne(key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=SIMILAR)
    return None if best is None else int(best[2])


class HeadlineIndex:
    """Recent headlines, searchable for the same story told by another feed.

    In memory, per process: an inverted index of words keeps each lookup to a handful of
    candidates, so a cold poll of thousands of stories stays fast.
    """

    def __init__(self, window: timedelta = timedelta(days=3)) -> None:
        self.window = window
        self._stories: dict[int, tuple[str, int, datetime]] = {}
        self._by_word: dict[str, set[int]] = {}

    def __len__(self) -> int:
        return len(self._stories)

    def add(self, story_id: int, feed_id: int, title: str, seen: datetime) -> None:
        """Remember a story's headline."""
        key = headline_key(title)
        self._stories[story_id] = (key, feed_id, seen)
        for word in _index_words(key):
            self._by_word.setdefault(word, set()).add(story_id)

    def find(self, title: str, feed_id: int, now: datetime) -> int | None:
        """A recent story from another feed with the same headline, if any."""
        key = headline_key(title)
        words = _index_words(key)
        hits: dict[int, int] = {}
        for word in words:
            for story_id in self._by_word.get(word, ()):
                hits[story_id] = hits.get(story_id, 0) + 1
        needed = max(2, (len(words) + 1) // 2)
        candidates = []
        for story_id, count in hits.items():
            other, other_feed, seen = self._stories[story_id]
            if count >= needed and other_feed != feed_id and seen >= now - self.window:
                candidates.append((story_id, other))
        return find_same_story(title, candidates)

    def prune(self, now: datetime) -> None:
        """Forget headlines older than the window."""
        old = [i for i, (_, _, seen) in self._stories.items() if seen < now - self.window]
        for story_id in old:
            key, _, _ = self._stories.pop(story_id)
            for word in _index_words(key):
                self._by_word.get(word, set()).discard(story_id)


def _index_words(key: str) -> set[str]:
    return {word for word in key.split() if len(word) >= 4}
