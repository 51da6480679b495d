"""A cheap screen before cleaning: can any topic match this item at all?

About a third of the cost of matching, so the many stories no topic wants need not be cleaned
(``news.feeds.normalise``) or even read (``news.text.skim``). The screen may say yes wrongly,
never no wrongly: it looks only for each group's probes, acronyms and Khmer, never phrases.
"""

from collections.abc import Callable, Sequence
from functools import partial
from itertools import compress

from news.topics.compile import CompiledGroup, CompiledTopic, admits_source, wanted_groups
from news.topics.khmer import INVISIBLE_MARKS, case_folded
from news.topics.letters import ALNUM_BYTES, KHMER_UTF8, has_khmer_bytes, utf8

# Characters that can make case_folded's runs of ASCII letters and digits differ from the
# text's own, lower-cased: those that case-fold or normalise into ASCII letters and the
# invisible marks case_folded drops; and the combining marks that compose with an ASCII
# letter, all in U+0300-U+033F (UTF-8 lead byte CC). A test recomputes both from Unicode.
_FOLDS_INTO_ASCII = "\u00df\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
_FOLDS_INTO_ASCII += "".join(map(chr, range(0xFB00, 0xFB07)))  # the ligatures ﬀ to ﬆ
_RUNS_MAY_CHANGE = _FOLDS_INTO_ASCII + INVISIBLE_MARKS
_COMPOSES_WITH_ASCII = b"\xcc"


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

    Cleaning drops lines and whole words and cuts lines' ends at a space or a sign
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


def glued_screen_key(raw: str) -> bytes | None:
    """``_screen_key`` for a text whose runs may be glued to their neighbours; None when it
    has a mark that could combine with the letter it was glued to (no answer then)."""
    data = utf8(raw)
    return None if _COMPOSES_WITH_ASCII in data else _key_without_marks(raw, data)


def screen_sees(char: str) -> bool:
    """Whether ``char`` can make a difference to the screen (its key and the acronyms):
    an ASCII letter or digit, a character that case-folding or normalising makes into some,
    Khmer, or a mark that combines with the letter before it."""
    data = utf8(char)
    return (
        (char.isascii() and char.isalnum())
        or char in _RUNS_MAY_CHANGE
        or data.startswith(_COMPOSES_WITH_ASCII)
        or data[:2] in KHMER_UTF8
    )


def _may_match(
    topics: Sequence[CompiledTopic],
    raw: str,
    key: bytes,
    feed_name: str,
    source_type: str,
    *,
    whole_runs: bool,
) -> bool:
    khmer = has_khmer_bytes(key)
    # Looking for probes anywhere, topics share them ("cambodia"): each is looked for once.
    probed = partial(_has_probe_run, key) if whole_runs else partial(_has_probe, key, {})
    return any(
        admits_source(topic, feed_name, source_type)
        and all(_may_hit(group, raw, khmer, probed) for group in wanted_groups(topic))
        for topic in topics
    )


def _screen_key(raw: str) -> bytes:
    """What may_match searches: UTF-8 of ``case_folded(raw)`` or, when ``raw`` has none of
    the characters that could change them, UTF-8 of ``raw`` with ASCII lower-cased. The two
    have the same runs of ASCII letters and digits and the same Khmer; the second costs a
    quarter as much (case-folding non-ASCII text is slow)."""
    data = utf8(raw)
    if _COMPOSES_WITH_ASCII in data:
        return utf8(case_folded(raw))
    return _key_without_marks(raw, data)


def _key_without_marks(raw: str, data: bytes) -> bytes:
    """The screen's key of ``raw`` (UTF-8 ``data``), which has no combining mark."""
    if any(map(raw.__contains__, _RUNS_MAY_CHANGE)):
        return utf8(case_folded(raw))
    return data.lower()


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
        if (start == 0 or data[start - 1] not in ALNUM_BYTES) and (
            end == len(data) or data[end] not in ALNUM_BYTES
        ):
            return True
        start = data.find(run, start + 1)
    return False
