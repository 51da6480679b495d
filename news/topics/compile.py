"""Compile the admin's topics once into plain data that matches many stories fast.

Three kinds of term, each compiled for the way its script is matched (``news.topics.match``):
ordinary terms, searched on the story's key with word guards at their edges; acronyms, searched
case-sensitively on the raw text; Khmer terms, substrings of the key. Terms are literals, never
regular expressions from the config, so nothing can backtrack.

Speed: one ``str.find`` per term over a 2,000-character story costs about 1.5 µs, and CPython's
``re`` is slower still on an alternation of literals (it tries every branch at every position),
so neither scales with the number of terms. Instead the story's key is cut once into its runs of
ASCII letters and digits (``bytes.translate`` and ``split``, in C), and each ordinary term has
its longest run as a *probe*: the term can only occur when the probe is one of the story's runs
(inside the term a run is bounded by other characters, at its ends by the word guards). Probes,
acronyms and Khmer terms are kept in parallel tuples so C loops (``map``/``compress``) can
screen them; only candidates are searched, with their guards, in Python.
"""

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from news.topics.keys import term_key
from news.topics.khmer import has_khmer
from news.topics.letters import LATIN_WORD, ascii_runs, utf8
from news.topics.story import WHERE

if TYPE_CHECKING:  # parser processes match with compiled topics and never load pydantic
    from news.topics.config import TermGroup, TopicConfig

TermKind = Literal["word", "acronym", "khmer"]


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


def admits_source(topic: CompiledTopic, feed_name: str, source_type: str) -> bool:
    """A topic with a source filter admits a story whose feed name or source type it lists."""
    if not topic.feeds and not topic.source_types:
        return True
    return feed_name in topic.feeds or source_type in topic.source_types


def wanted_groups(topic: CompiledTopic) -> tuple[CompiledGroup, ...]:
    """The groups that must each find a term for ``topic`` to match."""
    return topic.all_of if topic.any_of is None else (*topic.all_of, topic.any_of)


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
        guard_start=LATIN_WORD.match(key) is not None,
        guard_end=LATIN_WORD.match(key, len(key) - 1) is not None,
    )
    runs = ascii_runs(utf8(key))
    return compiled, max(sorted(runs), key=len, default=b"")  # the longest run is the rarest
