"""Recognising one story under slightly different headlines from different outlets. Pure.

URLs decide first (the same original publisher link is the same story); this catches the
rest: reposts and wire copy whose headline differs only by an outlet suffix, punctuation or
a word or two. rapidfuzz does the string work.
"""

import re
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import chain

from rapidfuzz import fuzz, process

from news.topics.khmer import matching_key

SIMILAR = 92  # token_sort_ratio at or above this is the same headline
MIN_WORDS = 5  # short headlines ("Court hearing postponed") are too generic to merge
_OUTLET_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")
_PUNCT = re.compile(r"[^\w\s]+")
_NUMBER = re.compile(r"\d+")


def headline_key(title: str) -> str:
    """A headline folded for comparison: no outlet suffix, case, punctuation or extra spaces."""
    title = _OUTLET_SUFFIX.sub("", title.strip())
    return " ".join(_PUNCT.sub(" ", matching_key(title)).split())


def _specific(key: str) -> bool:
    return len(key.split()) >= MIN_WORDS


def _same_story(key: str, candidates: Sequence[tuple[int, str]]) -> int | None:
    """The id of a candidate (id, headline key) telling the same story as ``key``, or None."""
    if not candidates:
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
        # The highest story id added: one above it was stored since, maybe by another process.
        self.newest = 0
        self._stories: dict[int, tuple[str, int, datetime]] = {}
        self._by_word: dict[str, set[int]] = {}
        self._by_tokens: dict[str, set[int]] = {}  # headlines with the very same words

    def __len__(self) -> int:
        return len(self._stories)

    def add(self, story_id: int, feed_id: int, title: str, seen: datetime) -> None:
        """Remember a story's headline."""
        key = headline_key(title)
        self._stories[story_id] = (key, feed_id, seen)
        self.newest = max(self.newest, story_id)
        for word in _index_words(key):
            self._by_word.setdefault(word, set()).add(story_id)
        self._by_tokens.setdefault(_sorted_words(key), set()).add(story_id)

    def find(self, title: str, feed_id: int, now: datetime) -> int | None:
        """A recent story from another feed with the same headline, if any."""
        key = headline_key(title)
        if not _specific(key):
            return None
        words = _index_words(key)
        needed = max(2, (len(words) + 1) // 2)
        since = now - self.window
        if len(words) >= needed and (same := self._same_words(key, feed_id, since)) is not None:
            return same
        hits = Counter(chain.from_iterable(self._by_word.get(word, ()) for word in words))
        candidates = []
        for story_id, count in hits.items():
            if count >= needed:
                other, other_feed, seen = self._stories[story_id]
                if other_feed != feed_id and seen >= since:
                    candidates.append((story_id, other))
        return _same_story(key, candidates)

    def _same_words(self, key: str, feed_id: int, since: datetime) -> int | None:
        """The one story another feed brought with the very words of ``key``, as wire copy
        does: the search by similarity would find it too (a score of 100 ties with no other
        candidate). None when there are none, or several (that search picks among them)."""
        numbers = _NUMBER.findall(key)
        found = [
            story_id
            for story_id in self._by_tokens.get(_sorted_words(key), ())
            if (story := self._stories[story_id])[1] != feed_id
            and story[2] >= since
            and _NUMBER.findall(story[0]) == numbers
        ]
        return found[0] if len(found) == 1 else None

    def prune(self, now: datetime) -> None:
        """Forget headlines older than the window."""
        old = [i for i, (_, _, seen) in self._stories.items() if seen < now - self.window]
        for story_id in old:
            key, _, _ = self._stories.pop(story_id)
            for word in _index_words(key):
                self._by_word.get(word, set()).discard(story_id)
            self._by_tokens.get(_sorted_words(key), set()).discard(story_id)


def _sorted_words(key: str) -> str:
    """What token_sort_ratio compares: two keys score 100 exactly when these are equal."""
    return " ".join(sorted(key.split()))


def _index_words(key: str) -> set[str]:
    return {word for word in key.split() if len(word) >= 4}
