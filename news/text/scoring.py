"""What makes a sentence worth a place in a summary: the title's words in it, and who speaks.

Both are looked for in all sentences of an item at once, by string search, and the regexes run
only where what they need was found: a sentence without a verb of saying has no speaker, and a
word can only have a title word's stem if it starts with it.
"""

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

__all__ = ["content_words", "find_speakers", "title_words"]

_VERBS = (
    "said", "says", "told", "stated", "claimed", "claims", "added", "argued", "denied",
    "denies", "insisted", "warned", "noted", "explained", "responded", "replied", "countered",
    "alleged",
)  # fmt: skip
_VERB = "(?:" + "|".join(_VERBS) + ")"
# A capitalised name of up to five words; word lengths are bounded to keep the search linear.
_NAME = r"[A-Z][\w'’-]{0,30}(?:\s+[A-Z][\w'’-]{0,30}){0,4}"
_SPEAKER_AFTER = re.compile(rf"\b{_VERB}\s+({_NAME})")  # "…,” said Soeng Sen Karuna"
_SPEAKER_BEFORE = re.compile(rf"({_NAME})\s+{_VERB}\b")  # "Sar Kheng said"
_ACCORDING_TO = re.compile(rf"\baccording to\s+({_NAME})")
_SPEAKER_WORDS = (*_VERBS, "according to")  # a sentence without any of these has no speaker
_PRONOUNS = frozenset({"he", "she", "they"})
# Words in a name that say what someone is, not who: they do not tell speakers apart.
_NOT_NAMES = frozenset(
    {
        "the", "a", "mr", "mrs", "ms", "dr", "minister", "ministry", "interior", "prime",
        "deputy", "president", "spokesperson", "spokesman", "spokeswoman", "director",
        "secretary", "general", "governor", "senior", "official", "officials",
    }
)  # fmt: skip
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "but", "is", "are",
        "was", "were", "be", "been", "being", "has", "have", "had", "not", "no", "its", "it",
        "this", "that", "these", "those", "with", "by", "from", "at", "as", "over", "after",
        "into", "their", "his", "her", "they", "he", "she", "we", "our", "you", "your", "will",
        "would", "can", "could", "may", "might", "while", "than", "then", "so", "such",
        "about", "says", "said",
    }
)  # fmt: skip
_WORD = re.compile(r"\w+")
_SUFFIXES = ("ings", "ing", "edly", "ed", "es", "s")
_STEM = 6  # "repressed"/"repression", "minister"/"ministry", "Cambodia"/"Cambodian"
_STEMS: dict[str, str] = {}  # word: stem, for the words seen lately
_STEMS_KEPT = 50_000


def content_words(text: str) -> set[str]:
    """The stems of the words of ``text`` that are not stop words."""
    words = set(_WORD.findall(text.lower())) - _STOPWORDS
    stems = _STEMS  # news prose repeats its words; stemming each was a hot spot
    new = words.difference(stems)
    if len(stems) + len(new) > _STEMS_KEPT:
        stems.clear()
        new = words
    stems.update(zip(new, map(_stem, new), strict=True))
    return set(map(stems.__getitem__, words))


def title_words(sentences: list[str], wanted: set[str]) -> list[set[str]]:
    """``content_words(sentence) & wanted`` for each sentence, from a search of them all for
    each wanted stem: a word's stem is a prefix of it, so only words found there can count."""
    found: list[set[str]] = [set() for _ in sentences]
    text = "\n".join(sentences)
    lowered = text.lower()
    if not wanted or len(lowered) != len(text):  # lower() changed lengths ("İ"): one by one
        return [content_words(sentence) & wanted if wanted else set() for sentence in sentences]
    starts = [0, *accumulate(len(sentence) + 1 for sentence in sentences)]
    for stem in wanted:
        for position in _word_starts(lowered, stem):
            found[bisect_right(starts, position) - 1].add(stem)
    return found


def _word_starts(lowered: str, stem: str) -> Iterator[int]:
    """Where words with this stem start in ``lowered``. A stem of one or two letters is a whole
    word (words of three or more letters have longer stems): a regex finds it with no look
    at the many words it is part of."""
    if len(stem) <= 2:
        if stem not in _STOPWORDS:
            yield from (match.start() for match in _whole_word(stem).finditer(lowered))
        return
    position = lowered.find(stem)
    while position >= 0:
        before = lowered[position - 1] if position else " "
        if not (before.isalnum() or before == "_"):  # a word starts here (\w before: no)
            word = _WORD.match(lowered, position)
            if word and word.group() not in _STOPWORDS and _stem_of(word.group()) == stem:
                yield position
        position = lowered.find(stem, position + 1)


@functools.lru_cache(maxsize=256)
def _whole_word(word: str) -> re.Pattern[str]:
    """``word`` with no word character on either side; it starts with the word itself, so the
    regex engine finds candidates as fast as str.find."""
    word = re.escape(word)
    return re.compile(rf"{word}(?<!\w{word})(?!\w)")


def _stem_of(word: str) -> str:
    stem = _STEMS.get(word)
    if stem is None:
        if len(_STEMS) >= _STEMS_KEPT:
            _STEMS.clear()
        stem = _STEMS[word] = _stem(word)
    return stem


def _stem(word: str) -> str:
    """A crude stem that is enough to see "repression" cover "repressed"."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word[:_STEM]


def find_speakers(sentences: Sequence[str]) -> dict[int, frozenset[str]]:
    """Who sentences are attributed to (name words), by index; "he/she said" means the last
    named. Only sentences with a verb of saying (or "according to") can have a speaker."""
    found: dict[int, frozenset[str]] = {}
    last: frozenset[str] | None = None
    for index in sorted(_with_words(sentences, _SPEAKER_WORDS)):
        sentence = sentences[index]
        match = (
            _SPEAKER_AFTER.search(sentence)
            or _SPEAKER_BEFORE.search(sentence)
            or _ACCORDING_TO.search(sentence)
        )
        name = match.group(1) if match else ""
        if name.lower() in _PRONOUNS:
            if last is not None:
                found[index] = last
            continue
        if words := frozenset(w for w in name.split() if w.lower() not in _NOT_NAMES):
            found[index] = last = words
    return found


def _with_words(sentences: Sequence[str], words: Iterable[str]) -> set[int]:
    """The indices of the sentences that contain any of ``words``."""
    text = "\n".join(sentences)
    starts = [0, *accumulate(len(sentence) + 1 for sentence in sentences)]
    found: set[int] = set()
    for word in words:
        position = text.find(word)
        while position >= 0:
            found.add(bisect_right(starts, position) - 1)
            position = text.find(word, position + 1)
    return found
