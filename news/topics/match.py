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

Terms are compiled once (``news.topics.compile``, which says how they are screened fast) and
each story is read once (``news.topics.story``) for every topic.

Strength: a group matches on one mention in its ``where`` (the headline, the lead, or
anywhere), or on ``min_mentions`` mentions anywhere. A group's first occurrence decides the
common case; only a group whose first mention lies past its ``where`` counts further mentions
(overlapping terms count once).
"""

from collections.abc import Iterator, Sequence
from itertools import chain, compress, islice

from news.models import TopicMatch
from news.topics.compile import (
    CompiledGroup,
    CompiledTerm,
    CompiledTopic,
    admits_source,
    compile_topics,
    wanted_groups,
)
from news.topics.letters import ASCII_ALNUM, LATIN_WORD
from news.topics.story import Story, read_story

# Compiling and matching go together: callers (and ``bench.match_topics --matcher``) take both
# from here.
__all__ = ["CompiledTopic", "TopicMatch", "compile_topics", "match_topics"]


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
    story = read_story(title, text)
    matches = []
    for topic in topics:
        if admits_source(topic, feed_name, source_type):
            terms = _matched_terms(topic, story)
            if terms is not None:
                matches.append(TopicMatch(slug=topic.slug, terms=terms))
    return matches


def _matched_terms(topic: CompiledTopic, story: Story) -> tuple[str, ...] | None:
    """The "why" terms when ``topic`` matches, else None."""
    found: list[CompiledTerm] = []
    for group in wanted_groups(topic):
        terms = _evidence(group, story)
        if terms is None:
            return None  # most stories stop at the first all_of group
        found += sorted(terms, key=lambda term: term.order)
    if topic.none_of is not None and next(_hits(topic.none_of, story), None) is not None:
        return None
    return tuple(dict.fromkeys(term.label for term in found))  # deduplicated, in config order


def _evidence(group: CompiledGroup, story: Story) -> list[CompiledTerm] | None:
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


def _candidates(group: CompiledGroup, story: Story) -> Iterator[CompiledTerm]:
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


def _hits(group: CompiledGroup, story: Story) -> Iterator[CompiledTerm]:
    """The group's terms that occur anywhere in the story, lazily."""
    return (
        term for term in _candidates(group, story) if next(_starts(term, story), None) is not None
    )


def _starts(term: CompiledTerm, story: Story) -> Iterator[int]:
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
    return 0 <= index < len(haystack) and haystack[index] in ASCII_ALNUM


def _is_latin_word(haystack: str, index: int) -> bool:
    return 0 <= index < len(haystack) and LATIN_WORD.match(haystack, index) is not None
