"""Short extractive summaries: one to three complete sentences from the item's lead.

Nothing is paraphrased or merged (domain.md §5.2: summaries must not invent claims). The lead
sentence comes first; further sentences are chosen for what the title announces: its content
words, and a second voice when the title announces a claim and a response, so that readers see
both sides. Output keeps document order.

What a reader cannot trust is never shown (issue 22): captions and picture credits, bylines and
datelines, newsletter and podcast intros, sign-up lines, teasers, questions, half a quotation,
a sentence cut from its start, and a sentence leaning on one not shown ("He said …" after
someone else's words). Only the lead is read (LEAD_SENTENCES): a sentence far down the story
is out of context. When nothing is left, the summary is empty and the headline stands alone.
"""

import re
import unicodedata
from collections.abc import Sequence

from news.text.boilerplate import stripped_lines
from news.text.byline import credit_lines, find_byline
from news.text.lead import Candidate, is_heading, lead_candidates
from news.text.quotes import is_balanced
from news.text.scoring import content_words, find_speakers, title_words
from news.text.sentences import split_sentences

__all__ = ["split_sentences", "summarise"]

COENG = "\u17d2"
ELLIPSIS = "…"
# Only the start of a long text is read: the lead and the voices a summary needs come early,
# and it bounds the work on hostile input.
MAX_TEXT = 20_000
# Titles that announce two sides: "X claims …; while NGOs …", "…; stakeholders respond".
_TWO_SIDED = re.compile(
    r";|\b(?:while|but|whereas|respon\w*|den(?:y|ies|ied)|reject\w*|dismiss\w*|disput\w*"
    r"|refut\w*|counter\w*|rebut\w*|versus|vs)\b",
    re.IGNORECASE,
)
_NEW_VOICE, _NEW_VOICE_TWO_SIDED, _NEXT_IN_ORDER = 1.0, 3.0, 0.5


def summarise(
    text: str,
    *,
    title: str = "",
    max_chars: int = 350,
    max_sentences: int = 3,
    clean: bool = False,
) -> str:
    """One to three complete sentences of ``text``'s lead, at most ``max_chars`` characters.

    An over-long lead sentence is cut at a word boundary, before any quotation it would cut,
    and ends with "…". Boilerplate, the credit line, leading lines that repeat the title or
    quote the original headline and its date, and what no summary shows (see the module) are
    skipped. Empty when nothing else is left. Reads the first MAX_TEXT characters only.
    ``clean``: the text is an ``Extracted.clean`` one, with no boilerplate left to strip.
    """
    if max_chars < 1 or max_sentences < 1:
        raise ValueError(f"max_chars={max_chars}, max_sentences={max_sentences}: must be ≥ 1")
    if len(text) > MAX_TEXT:
        text, clean = text[: _break_before(text, MAX_TEXT)], False
    candidates = lead_candidates(_body_lines(text, title, clean), title)
    if not candidates:
        return ""
    if len(candidates[0].text) > max_chars:
        return _truncate_quotation(candidates[0].text, max_chars)
    chosen = _select(candidates, title, max_chars, max_sentences)
    return " ".join(candidates[index].text for index in sorted(chosen))


def _body_lines(text: str, title: str, clean: bool) -> list[str]:
    """Lines after boilerplate, credit lines and the leading title or headline lines."""
    lines = stripped_lines(text, clean=clean)
    if credits := set(credit_lines(lines)):
        lines = [line for i, line in enumerate(lines) if i not in credits or not find_byline(line)]
    start = 0
    while start < len(lines) and is_heading(lines[start], title):
        start += 1
    return lines[start:]


def _select(
    candidates: Sequence[Candidate], title: str, max_chars: int, max_sentences: int
) -> list[int]:
    """Greedy choice after the lead: the best-scoring unit that still fits, repeatedly.

    Only units short enough to follow the lead can ever fit, and only those with title words
    or a speaker, or the one right after the last chosen, can score above 0: no other unit is
    looked at. A unit that leans on the one before is taken only right after it.
    """
    sentences = [candidate.text for candidate in candidates]
    wanted = content_words(title)
    bonus = _NEW_VOICE_TWO_SIDED if _TWO_SIDED.search(title) else _NEW_VOICE
    room = max_chars - len(sentences[0]) - 1
    fitting = [index for index in range(1, len(sentences)) if len(sentences[index]) <= room]
    if not fitting or max_sentences < 2:
        return [0]
    speakers = find_speakers(sentences[: fitting[-1] + 1])
    scored = [0, *fitting]
    adds = dict(zip(scored, title_words([sentences[i] for i in scored], wanted), strict=True))
    fits = set(fitting)
    lively = {i for i in fits if adds[i]} | (speakers.keys() & fits)
    chosen, used, covered = [0], len(sentences[0]), set(adds[0])
    while len(chosen) < max_sentences:
        best, best_score = None, 0.0
        heard, after = [speakers.get(i) for i in chosen], max(chosen) + 1
        for index in sorted(lively | ({after} & fits)):
            if index in chosen or used + 1 + len(sentences[index]) > max_chars:
                continue
            if candidates[index].leans and not (candidates[index].follows and index - 1 in chosen):
                continue
            if sentences[index].endswith("!"):
                continue  # after the lead, an exclamation sells: "As always, we've got …!"
            score: float = len(adds[index] - covered)
            if _is_new_voice(speakers.get(index), heard):
                score += bonus
            score += _NEXT_IN_ORDER if index == after else 0.0
            if score > best_score:  # ties go to the earlier sentence
                best, best_score = index, score
        if best is None:
            break
        chosen.append(best)
        used += 1 + len(sentences[best])
        covered |= adds[best]
    return chosen


def _is_new_voice(speaker: frozenset[str] | None, heard: list[frozenset[str] | None]) -> bool:
    return speaker is not None and not any(speaker & other for other in heard if other)


def _truncate_quotation(text: str, limit: int) -> str:
    """``truncate``, and cut again before a quotation the cut would leave open."""
    cut = truncate(text, limit)
    while not is_balanced(cut):
        head = cut.removesuffix(ELLIPSIS)
        opening = max(head.rfind(mark) for mark in "“«‘\"'")
        if opening <= 0:
            return ""
        cut = truncate(head[:opening].rstrip(), opening)
        cut = cut if cut.endswith(ELLIPSIS) else cut.rstrip(" \u200b,;:-–—(") + ELLIPSIS
    return cut


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a space, ZWSP or Khmer full stop (or,
    with none, between Khmer clusters), ending with "…"."""
    if len(text) <= limit:
        return text
    cut = _break_before(text, limit - 1)  # room for the "…"
    return text[:cut].rstrip(" \u200b,;:-–—(") + ELLIPSIS


def _break_before(text: str, pos: int) -> int:
    """The last index ≤ ``pos`` where ``text`` may be cut without splitting a word (or, in a
    run without spaces, a Khmer cluster)."""
    head = text[:pos]
    cut = max(head.rfind(" "), head.rfind("\n"), head.rfind("\u200b"), head.rfind("។") + 1)
    return cut if cut > 0 else _cluster_start(text, pos)


def _cluster_start(text: str, pos: int) -> int:
    """The nearest index at or before ``pos`` that does not split a Khmer cluster."""
    while pos > 0 and (unicodedata.category(text[pos])[0] == "M" or text[pos - 1] == COENG):
        pos -= 1
    return pos
