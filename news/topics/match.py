"""Match stories to curated topics: pure, fast, and able to say why.

Three kinds of term, each matched the way its script needs:

- ordinary terms ("Everything But Arms"): case-insensitive whole words or phrases, compared on the
  story's matching key, so line breaks, NBSP and runs of spaces inside a phrase do not matter.
  A term must not touch another letter, digit or "_" (Khmer excepted): "Cambodia" does not match
  "Cambodian", and "activist" does not match "activists", so list the plurals you want. An
  apostrophe ends a word, so possessives ("Cambodia's", "Cambodia’s") match. Khmer letters next
  to a Latin term do not block it, because Khmer text glues Latin words to its own.
- acronyms ("EBA"): case-sensitive on the raw text, not preceded or followed by an ASCII letter
  or digit, so "ពន្ធEBA" and "(EBA)" match while "debate" and "Eba" do not. One lower-case
  plural "s" is allowed ("NGOs", "CSOs"): after capitals it marks the plural, not a new word.
- Khmer terms (any term with a Khmer letter in it, mixed-script included): substrings of the
  matching key, because Khmer has no spaces between words (see ``news.topics.khmer``).

Terms are literals, never regular expressions from the config, so nothing can backtrack.

Speed: one ``str.find`` per term over a 2,000-character story costs about 1.5 µs, and CPython's
``re`` is slower still on an alternation of literals (it tries every branch at every position),
so neither scales with the number of terms. Instead the story's key is cut once into its runs of
ASCII letters and digits (``bytes.translate`` and ``split``, in C), and each ordinary term has
its longest run as a *probe*: the term can only occur when the probe is one of the story's runs
(inside the term a run is bounded by other characters, at its ends by the word guards). Probes,
acronyms and Khmer terms are screened by C loops (``map``/``compress``); only candidates are
searched, with their guards, in Python.

Strength: a group matches on one mention in its ``where`` (the headline, the lead, or
anywhere), or on ``min_mentions`` mentions anywhere. The *lead* is the headline and the text's
first ``LEAD_CHARS`` characters, to the next space: where a news story says what it is about.
A group's first occurrence decides the common case; only a group whose first mention lies past
its ``where`` counts further mentions (overlapping terms count once).
"""

import pickle
import re
import string
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import chain, compress, islice
from typing import TYPE_CHECKING, Literal

from news.models import TopicMatch
from news.topics.keys import term_key
from news.topics.khmer import INVISIBLE_MARKS, case_folded, has_khmer

if TYPE_CHECKING:  # parser processes match with compiled topics and never load pydantic
    from news.topics.config import TermGroup, TopicConfig

__all__ = [
    "LEAD_CHARS",
    "CompiledGroup",
    "CompiledTerm",
    "CompiledTopic",
    "CompiledTopics",
    "TopicMatch",
    "compile_topics",
    "glued_screen_key",
    "match_topics",
    "may_match",
    "may_match_glued",
    "screen_sees",
]

# A word character that is not Khmer: what may not touch an ordinary term.
_LATIN_WORD = re.compile("[^\\W\u1780-\u17ff\u19e0-\u19ff]")
_ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)
_ALNUM_BYTES = frozenset(map(ord, _ASCII_ALNUM))
# Keeps ASCII letters and digits and turns every other byte into a space (in UTF-8 every byte of
# a non-ASCII character is >= 0x80), so splitting the result gives the [A-Za-z0-9] runs.
_TO_RUNS = bytes(byte if chr(byte) in _ASCII_ALNUM else ord(" ") for byte in range(256))
# Khmer (U+1780-U+17FF) starts E1 9E or E1 9F in UTF-8; E1 A7 covers U+19C0-U+19FF, Khmer
# symbols and a neighbour. The test may say "Khmer" wrongly, never "no Khmer" wrongly.
_KHMER_UTF8 = (b"\xe1\x9e", b"\xe1\x9f", b"\xe1\xa7")
# Characters that can make case_folded's runs of ASCII letters and digits differ from the
# text's own, lower-cased: those that case-fold or normalise into ASCII letters and the
# invisible marks case_folded drops; and the combining marks that compose with an ASCII
# letter, all in U+0300-U+033F (UTF-8 lead byte CC). A test recomputes both from Unicode.
_FOLDS_INTO_ASCII = "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
_FOLDS_INTO_ASCII += "".join(map(chr, range(0xFB00, 0xFB07)))  # the ligatures ﬀ to ﬆ
_RUNS_MAY_CHANGE = _FOLDS_INTO_ASCII + INVISIBLE_MARKS
_COMPOSES_WITH_ASCII = b"\xcc"

TermKind = Literal["word", "acronym", "khmer"]
# The lead: the headline and this many characters of the text, to the next space: the lede,
# where a news story says what it is about, and the summary shown (at most 350 characters,
# from the start). On the 245 corpus news items over 1,000 characters, the first paragraph
# ends by character 242 (median) and 480 (9 in 10), the second sentence by 292 and 500: 500
# holds two sentences for 9 stories in 10 and stops well short of the body.
LEAD_CHARS = 500
# Codes of a group's ``where``: indexes into a story's ends.
WHERE = {"headline": 0, "lead": 1, "anywhere": 2}
_EVERYWHERE = sys.maxsize
_SPACE = re.compile(r"\s")


@dataclass(frozen=True, slots=True)
class CompiledTerm:
    """One term or acronym, ready to search for."""

    label: str  # as the admin wrote it, shown in the "why" line
    needle: str  # what is searched: the term's matching key, or the acronym itself
    kind: TermKind
    order: int  # position in its group (terms, then acronyms), for a stable "why"
    guard_start: bool = True  # the needle starts with a word character, so check its edge
    guard_end: bool = True


@dataclass(frozen=True, slots=True)
class CompiledGroup:
    """A term group: it matches when any of its terms occurs. The parallel tuples let C loops
    screen the terms (see the module docstring)."""

    words: tuple[CompiledTerm, ...]  # ordinary terms with a probe ...
    word_probes: tuple[bytes, ...]  # ... and their probes
    # The probes, less those holding another: enough to look for probes anywhere.
    loose_probes: tuple[bytes, ...]
    unprobed: tuple[CompiledTerm, ...]  # ordinary terms without an ASCII letter or digit
    acronyms: tuple[CompiledTerm, ...]
    acronym_needles: tuple[str, ...]
    khmer: tuple[CompiledTerm, ...]
    khmer_needles: tuple[str, ...]
    where: int = WHERE["anywhere"]  # WHERE's code: where one mention is enough
    min_mentions: int = 0  # or this many anywhere; 0: only mentions in ``where`` count


@dataclass(frozen=True, slots=True)
class CompiledTopic:
    """A topic compiled once, to be matched against many stories; picklable (plain data)."""

    slug: str
    all_of: tuple[CompiledGroup, ...]
    any_of: CompiledGroup | None
    none_of: CompiledGroup | None
    feeds: frozenset[str]
    source_types: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Story:
    raw: str  # title and text as published: acronyms are case-sensitive
    key: str  # folded once per story, shared by every topic
    key_runs: frozenset[bytes]  # [a-z0-9] runs of the key, for the probes
    has_khmer: bool
    # Where the headline, the lead and the story end: (in raw, in key), by WHERE's codes.
    ends: tuple[tuple[int, int], ...]


class CompiledTopics(tuple[CompiledTopic, ...]):
    """``compile_topics``' result: sent with every parse job, unpickled once per process.

    A job carries the topics' pickle as bytes, and a process reuses what it unpickled from
    the same bytes before. Slots dataclasses pickle and unpickle in Python: about 0.8 ms a job,
    a few stories' worth of matching.
    """

    def __reduce__(self) -> tuple[object, tuple[bytes]]:
        pickled = self.__dict__.get("pickled")
        if pickled is None:
            pickled = self.__dict__["pickled"] = pickle.dumps(tuple(self))
        return _unpickled_topics, (pickled,)


_UNPICKLED: dict[bytes, CompiledTopics] = {}  # this process's topics, by their pickle
_UNPICKLED_KEPT = 4  # a few configs at once: a reload replaces the topics now and then


def _unpickled_topics(pickled: bytes) -> CompiledTopics:
    topics = _UNPICKLED.get(pickled)
    if topics is None:
        if len(_UNPICKLED) >= _UNPICKLED_KEPT:
            _UNPICKLED.clear()
        topics = _UNPICKLED[pickled] = CompiledTopics(pickle.loads(pickled))  # noqa: S301 - our own
    return topics


def compile_topics(topics: "Sequence[TopicConfig]") -> CompiledTopics:
    """Build the matchers for ``topics`` once; the result can be sent to worker processes."""
    return CompiledTopics(_compile_topic(topic) for topic in topics)


def match_topics(
    topics: Sequence[CompiledTopic],
    *,
    title: str,
    text: str,
    feed_name: str = "",
    source_type: str = "",
) -> list[TopicMatch]:
    """The topics a story matches, in the order given, each with the terms that matched.

    A topic with a source filter admits a story whose feed name or source type it lists."""
    story = _read_story(title, text)
    matches = []
    for topic in topics:
        if _admits_source(topic, feed_name, source_type):
            terms = _matched_terms(topic, story)
            if terms is not None:
                matches.append(TopicMatch(slug=topic.slug, terms=terms))
    return matches


def may_match(
    topics: Sequence[CompiledTopic],
    *,
    title: str,
    text: str,
    feed_name: str = "",
    source_type: str = "",
) -> bool:
    """False when no topic can match the story, nor any text cleaning makes of ``text``; True
    may be wrong. ``text`` is the item's text as cleaning receives it (``Credited.text``).

    About a third of the cost of ``match_topics``, so the many stories no topic wants need not
    be cleaned. Cleaning drops lines and whole words and cuts lines' ends at a space or a sign
    (``Credited``), so every run of Latin letters and digits in the clean text is a run in
    ``text``. Each group then needs one of its probes as a run of the case-folded text, one of
    its acronyms in the text, Khmer in the text for its Khmer terms, or a term without a
    probe. Phrases and ``none_of`` are not checked: they can only turn a match down.
    """
    raw = f"{title}\n{text}"
    return _may_match(topics, raw, _screen_key(raw), feed_name, source_type, whole_runs=True)


def may_match_glued(
    topics: Sequence[CompiledTopic],
    *,
    raw: str,
    key: bytes,
    feed_name: str = "",
    source_type: str = "",
) -> bool:
    """``may_match`` for a text whose runs may be glued to their neighbours: ``raw`` holds
    each run of the story's title and text, maybe inside a longer one, and ``key`` is its
    ``glued_screen_key``. Probes are looked for anywhere, not as runs (news.text.skim)."""
    return _may_match(topics, raw, key, feed_name, source_type, whole_runs=False)


def _may_match(
    topics: Sequence[CompiledTopic],
    raw: str,
    key: bytes,
    feed_name: str,
    source_type: str,
    *,
    whole_runs: bool,
) -> bool:
    # b"\xe1" first: most non-ASCII in a story is punctuation (E2 ...), and one byte is a memchr.
    khmer = b"\xe1" in key and any(marker in key for marker in _KHMER_UTF8)
    # Looking for probes anywhere, topics share them ("cambodia"): each is looked for once.
    probed = partial(_has_probe_run, key) if whole_runs else partial(_has_probe, key, {})
    return any(
        _admits_source(topic, feed_name, source_type)
        and all(_may_hit(group, raw, khmer, probed) for group in _wanted_groups(topic))
        for topic in topics
    )


def _screen_key(raw: str) -> bytes:
    """What may_match searches: UTF-8 of ``case_folded(raw)`` or, when ``raw`` has none of
    the characters that could change them, UTF-8 of ``raw`` with ASCII lower-cased. The two
    have the same runs of ASCII letters and digits and the same Khmer; the second costs a
    quarter as much (case-folding non-ASCII text is slow)."""
    data = _utf8(raw)
    if _COMPOSES_WITH_ASCII in data:
        return _utf8(case_folded(raw))
    return _key_without_marks(raw, data)


def glued_screen_key(raw: str) -> bytes | None:
    """``_screen_key`` for a text whose runs may be glued to their neighbours; None when it
    has a mark that could combine with the letter it was glued to (no answer then)."""
    data = _utf8(raw)
    return None if _COMPOSES_WITH_ASCII in data else _key_without_marks(raw, data)


def _key_without_marks(raw: str, data: bytes) -> bytes:
    """The screen's key of ``raw`` (UTF-8 ``data``), which has no combining mark."""
    if any(map(raw.__contains__, _RUNS_MAY_CHANGE)):
        return _utf8(case_folded(raw))
    return data.lower()


def screen_sees(char: str) -> bool:
    """Whether ``char`` can make a difference to the screen (its key and the acronyms):
    an ASCII letter or digit, a character that case-folding or normalising makes into some,
    Khmer, or a mark that combines with the letter before it."""
    data = _utf8(char)
    return (
        (char.isascii() and char.isalnum())
        or char in _RUNS_MAY_CHANGE
        or data.startswith(_COMPOSES_WITH_ASCII)
        or data[:2] in _KHMER_UTF8
    )


def _wanted_groups(topic: CompiledTopic) -> tuple[CompiledGroup, ...]:
    return topic.all_of if topic.any_of is None else (*topic.all_of, topic.any_of)


def _may_hit(
    group: CompiledGroup, raw: str, khmer: bool, probed: Callable[[CompiledGroup], bool]
) -> bool:
    return (
        probed(group)
        or any(map(raw.__contains__, group.acronym_needles))
        or bool(group.unprobed)
        or (khmer and bool(group.khmer))
    )


def _has_probe_run(key: bytes, group: CompiledGroup) -> bool:
    # Most stories have none of the probes even inside a longer word: a C loop passes over
    # them, and only the probes found are checked as runs.
    found = compress(group.word_probes, map(key.__contains__, group.word_probes))
    return any(_has_run(key, probe) for probe in found)


def _has_probe(key: bytes, seen: dict[bytes, bool], group: CompiledGroup) -> bool:
    """Whether one of the group's probes is anywhere in ``key``; ``seen`` keeps the answers
    for the other groups and topics."""
    for probe in group.loose_probes:
        found = seen.get(probe)
        if found is None:
            found = seen[probe] = probe in key
        if found:
            return True
    return False


def _has_run(data: bytes, run: bytes) -> bool:
    """True when ``run`` is in ``data`` with no ASCII letter or digit on either side."""
    start = data.find(run)
    while start >= 0:
        end = start + len(run)
        if (start == 0 or data[start - 1] not in _ALNUM_BYTES) and (
            end == len(data) or data[end] not in _ALNUM_BYTES
        ):
            return True
        start = data.find(run, start + 1)
    return False


def _compile_topic(topic: "TopicConfig") -> CompiledTopic:
    return CompiledTopic(
        slug=topic.slug,
        all_of=tuple(_compile_group(group) for group in topic.all_of),
        any_of=None if topic.any_of is None else _compile_group(topic.any_of),
        none_of=None if topic.none_of is None else _compile_group(topic.none_of, rejecting=True),
        feeds=frozenset(topic.sources.feeds),
        source_types=frozenset(topic.sources.types),
    )


def _compile_group(group: "TermGroup", *, rejecting: bool = False) -> CompiledGroup:
    """``rejecting``: a none_of group, which rejects on any mention anywhere."""
    terms = [_compile_term(term, order) for order, term in enumerate(group.terms)]
    words = [(term, probe) for term, probe in terms if probe]
    acronyms = tuple(
        CompiledTerm(acronym, acronym, "acronym", order)
        for order, acronym in enumerate(group.acronyms, start=len(terms))
    )
    khmer = tuple(term for term, _ in terms if term.kind == "khmer")
    return CompiledGroup(
        words=tuple(term for term, _ in words),
        word_probes=tuple(probe for _, probe in words),
        loose_probes=_shortest_probes(probe for _, probe in words),
        unprobed=tuple(term for term, probe in terms if term.kind == "word" and not probe),
        acronyms=acronyms,
        acronym_needles=tuple(term.needle for term in acronyms),
        khmer=khmer,
        khmer_needles=tuple(term.needle for term in khmer),
        where=WHERE["anywhere" if rejecting else group.where],
        min_mentions=0 if rejecting else group.min_mentions,
    )


def _shortest_probes(probes: Iterable[bytes]) -> tuple[bytes, ...]:
    """``probes`` without those holding another: wherever "cambodian" is, "cambodia" is."""
    unique = sorted(set(probes), key=len)
    return tuple(p for i, p in enumerate(unique) if not any(q in p for q in unique[:i]))


def _compile_term(term: str, order: int) -> tuple[CompiledTerm, bytes]:
    """The compiled term and its probe (empty for Khmer terms and terms without one)."""
    key = term_key(term)
    if has_khmer(term):
        return CompiledTerm(term, key, "khmer", order), b""
    # Guard only edges that are word characters: a term like "(EU)" brings its own edges.
    compiled = CompiledTerm(
        term,
        key,
        "word",
        order,
        guard_start=_LATIN_WORD.match(key) is not None,
        guard_end=_LATIN_WORD.match(key, len(key) - 1) is not None,
    )
    runs = _runs(_utf8(key))
    return compiled, max(sorted(runs), key=len, default=b"")  # the longest run is the rarest


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate from a JSON feed must not crash matching.
    return text.encode("utf-8", "surrogatepass")


def _runs(data: bytes) -> frozenset[bytes]:
    return frozenset(data.translate(_TO_RUNS).split())


def _read_story(title: str, text: str) -> _Story:
    # Keyed apart and joined by a newline, which no term key contains, so no phrase or Khmer
    # term can match across the end of the title and the start of the text.
    cut = _lead_end(text)
    head_key = term_key(title)
    if cut == len(text):  # most items: all lead
        lead_key = term_key(text)
        key = f"{head_key}\n{lead_key}"
    else:
        lead_key, rest_key = term_key(text[:cut]), term_key(text[cut:])
        key = f"{head_key}\n{lead_key}{_gap(lead_key, rest_key)}{rest_key}"
    key_bytes = _utf8(key)
    headline = (len(title), len(head_key))
    lead = (len(title) + 1 + cut, len(head_key) + 1 + len(lead_key))
    return _Story(
        raw=f"{title}\n{text}",
        key=key,
        key_runs=_runs(key_bytes),
        has_khmer=any(marker in key_bytes for marker in _KHMER_UTF8),
        ends=(headline, lead, (_EVERYWHERE, _EVERYWHERE)),
    )


def _lead_end(text: str) -> int:
    """Where the lead ends in ``text``: at the first space from ``LEAD_CHARS`` on, so no
    word is cut (a text without one is all lead)."""
    if len(text) <= LEAD_CHARS or text[LEAD_CHARS].isspace():
        return min(len(text), LEAD_CHARS)
    space = _SPACE.search(text, LEAD_CHARS)
    return len(text) if space is None else space.start()


def _joined_keys(lead: str, rest: str) -> str:
    """``term_key`` of a text cut at a space, from the keys of its two parts."""
    return f"{lead}{_gap(lead, rest)}{rest}"


def _gap(lead: str, rest: str) -> str:
    """What keying the whole text leaves where it was cut, at a space: one space, or none
    when a part is empty or Khmer letters meet (``news.topics.khmer``)."""
    if not lead or not rest or (_is_khmer_letter(lead[-1]) and _is_khmer_letter(rest[0])):
        return ""
    return " "


def _is_khmer_letter(char: str) -> bool:
    return "\u1780" <= char <= "\u17ff"


def _admits_source(topic: CompiledTopic, feed_name: str, source_type: str) -> bool:
    if not topic.feeds and not topic.source_types:
        return True
    return feed_name in topic.feeds or source_type in topic.source_types


def _matched_terms(topic: CompiledTopic, story: _Story) -> tuple[str, ...] | None:
    """The "why" terms when ``topic`` matches, else None."""
    found: list[CompiledTerm] = []
    for group in _wanted_groups(topic):
        terms = _evidence(group, story)
        if terms is None:
            return None  # most stories stop at the first all_of group
        found += sorted(terms, key=lambda term: term.order)
    if topic.none_of is not None and next(_hits(topic.none_of, story), None) is not None:
        return None
    return tuple(dict.fromkeys(term.label for term in found))  # deduplicated, in config order


def _evidence(group: CompiledGroup, story: _Story) -> list[CompiledTerm] | None:
    """The group's terms found in the story when they are enough: one mention within the
    group's ``where``, or ``min_mentions`` anywhere; else None."""
    found: list[CompiledTerm] = []
    spans: dict[bool, list[tuple[int, int]]] | None = None  # by haystack (raw?), if counted
    convincing = False
    for term in _candidates(group, story):  # most stories have no candidate at all
        starts = _starts(term, story)
        first = next(starts, None)
        if first is None:
            continue
        found.append(term)
        if convincing:
            continue
        on_raw = term.kind == "acronym"
        if first < story.ends[group.where][0 if on_raw else 1]:
            convincing = True
        elif group.min_mentions:
            spans = spans or {True: [], False: []}
            more = islice(starts, group.min_mentions - 1)  # enough to tell
            spans[on_raw] += ((at, at + len(term.needle)) for at in (first, *more))
    if convincing or (spans and _mentions(spans) >= group.min_mentions):
        return found
    return None


def _mentions(spans: dict[bool, list[tuple[int, int]]]) -> int:
    """Mentions in ``spans`` (per haystack), where overlapping ones count once: a story
    saying "អង្គការសង្គមស៊ីវិល" mentions civil society once, whichever terms found it."""
    count = 0
    for found in spans.values():
        end = -1
        for start, stop in sorted(found):
            if start >= end:
                count += 1
            end = max(end, stop)
    return count


def _candidates(group: CompiledGroup, story: _Story) -> Iterator[CompiledTerm]:
    """The group's terms that may occur in the story, cheapest screens first."""
    candidates = chain(
        compress(group.words, map(story.key_runs.__contains__, group.word_probes)),
        group.unprobed,
        compress(group.acronyms, map(story.raw.__contains__, group.acronym_needles)),
    )
    if not story.has_khmer:
        return candidates
    return chain(
        candidates, compress(group.khmer, map(story.key.__contains__, group.khmer_needles))
    )


def _hits(group: CompiledGroup, story: _Story) -> Iterator[CompiledTerm]:
    """The group's terms that occur anywhere in the story, lazily."""
    return (
        term for term in _candidates(group, story) if next(_starts(term, story), None) is not None
    )


def _starts(term: CompiledTerm, story: _Story) -> Iterator[int]:
    """Where ``term`` occurs with its edges clear, in order: in the raw text for an acronym,
    else in the key (a Khmer term has no edges to check)."""
    haystack = story.raw if term.kind == "acronym" else story.key
    start = haystack.find(term.needle)
    while start != -1:
        if term.kind == "khmer" or _is_bounded(term, haystack, start):
            yield start
        start = haystack.find(term.needle, start + 1)


def _is_bounded(term: CompiledTerm, haystack: str, start: int) -> bool:
    """True when the needle found at ``start`` does not run into a neighbouring word."""
    end = start + len(term.needle)
    if term.kind == "acronym":
        if haystack.startswith("s", end):
            end += 1  # the plural: "NGOs"
        return not _is_ascii_alnum(haystack, start - 1) and not _is_ascii_alnum(haystack, end)
    return not (term.guard_start and _is_latin_word(haystack, start - 1)) and not (
        term.guard_end and _is_latin_word(haystack, end)
    )


def _is_ascii_alnum(haystack: str, index: int) -> bool:
    return 0 <= index < len(haystack) and haystack[index] in _ASCII_ALNUM


def _is_latin_word(haystack: str, index: int) -> bool:
    return 0 <= index < len(haystack) and _LATIN_WORD.match(haystack, index) is not None
