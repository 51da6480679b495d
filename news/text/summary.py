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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from news.text.boilerplate import stripped_lines
from news.text.byline import credit_lines, find_byline, parse_date
from news.text.leadfaults import QUESTION, line_fault, sentence_fault, tidy
from news.text.quotes import is_balanced, units
from news.text.scoring import content_words, find_speakers, title_words
from news.text.sentences import is_complete, split_sentences

__all__ = ["split_sentences", "summarise"]

COENG = "\u17d2"
ELLIPSIS = "…"
# Only the start of a long text is read: the lead and the voices a summary needs come early,
# and it bounds the work on hostile input.
MAX_TEXT = 20_000
# The lead: the first sentences of the story proper (after the lines no summary shows). The
# BHRRC seed page's NGO response is its ninth.
LEAD_SENTENCES = 12
# Titles that announce two sides: "X claims …; while NGOs …", "…; stakeholders respond".
_TWO_SIDED = re.compile(
    r";|\b(?:while|but|whereas|respon\w*|den(?:y|ies|ied)|reject\w*|dismiss\w*|disput\w*"
    r"|refut\w*|counter\w*|rebut\w*|versus|vs)\b",
    re.IGNORECASE,
)
# Words that lean on the sentence before: "He said …", "But …", "This …". Such a sentence is
# shown only right after the one it follows (else "He" names someone the reader never met).
_LEANING = re.compile(
    r"(?:(?:this|that)\b(?!\s+(?:week|weekend|month|year|summer|winter|spring|autumn|fall"
    r"|morning|afternoon|evening|season)\b)|(?:he|she|they|it|his|her|their|its|these|those"
    r"|but|and|yet|so|also|however|still|meanwhile|instead|then|such|both|neither|either"
    r"|with (?:that|this)|that said|as a result|for this reason|in addition|even so)\b)",
    re.IGNORECASE,
)
# First person after a question: an interview's answer ("At Crusoe, we try …").
_FIRST_PERSON = re.compile(r"\b(?:I|we|We|my|My|our|Our|us)\b")
# A quotation given to "she" or "he": the speaker is named in a sentence before.
_PRONOUN_SPEAKS = re.compile(
    r"\b(?:he|she|they)\s+(?:said|says|added|adds|told|tells|wrote|writes|asked|replied"
    r"|continued|explained)\b",
    re.IGNORECASE,
)
# A thing named by pointing back to it: "an experiment that calls that theory into question",
# "near the top of such lists" (the theory, the lists: in a sentence not shown).
_POINTS_BACK = re.compile(
    r"\b(?:that|this|these|those|such)\s+(?:theory|theories|idea|ideas|claim|claims|point"
    r"|problem|question|fact|list|lists|case|move|decision|plan|approach|view|argument)\b",
    re.IGNORECASE,
)
# How a sentence cut from its start begins: lower case, or punctuation that continues one.
_CONTINUES = ",;:)]}…-–—"
_OPENERS = "\"“‘'«([ "
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+")  # words of letters: "it’s close to 60/40" has four
_QUOTE_OPENS, _QUOTE_CLOSES = "\"“‘'«", "\"”’'»"
_ANSWER_WORDS = 8  # fewer words after a dropped unit: an answer or an aside, not news
_MIN_WORDS = 2  # "28.", "Yes.": no sentence a reader can take on its own
_NEW_VOICE, _NEW_VOICE_TWO_SIDED, _NEXT_IN_ORDER = 1.0, 3.0, 0.5


@dataclass(frozen=True, slots=True)
class _Candidate:
    """A unit of whole sentences a summary may show; ``follows``: the unit before it in the
    story is the candidate before it (nothing was dropped between them)."""

    text: str
    follows: bool
    leans: bool


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
    candidates = _candidates(_body_lines(text, title, clean), title)
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
    while start < len(lines) and _is_heading(lines[start], title):
        start += 1
    return lines[start:]


def _candidates(lines: list[str], title: str) -> list[_Candidate]:
    """The lead's units a summary may show, in order, each once (feeds repeat lines).

    A unit leaning on one not shown ("He said …" after a caption's sentence, "It's named after
    …" answering a question) is not one: only the story's first unit may lean on nothing.
    """
    found: dict[str, _Candidate] = {}
    previous_kept, after_question, counted, read = False, False, 0, []
    for line, sentences in _lead_paragraphs(lines, title):
        read.append(line)
        if _is_subheading(sentences):
            if found:
                break  # the lead's section ends: a roundup's next story, an explainer's part
            # What follows a heading starts afresh; what follows a question answers it.
            previous_kept, after_question = False, is_complete(sentences[0])
            counted += after_question
            continue
        for unit in units(sentences):
            text = " ".join(sentences[unit.start : unit.end])
            leans = _leans(text) or (counted > 0 and _answers(text, previous_kept, after_question))
            kept = (
                unit.whole
                and _stands(text)
                and text not in found
                and (previous_kept or counted == 0 or not leans)
            )
            if kept:
                found[text] = _Candidate(text, previous_kept, leans)
            # An answer runs on while it leans on itself ("It's named after …. At Crusoe, we …").
            asks = sentence_fault(text) == QUESTION
            runs_on = after_question and not kept and _leans(text)
            previous_kept, after_question = kept, asks or runs_on
            counted += unit.end - unit.start
        if counted >= LEAD_SENTENCES:
            break
    if not found and len(read) == 1:
        return _unpunctuated(read[0])
    return list(found.values())


def _is_subheading(sentences: list[str]) -> bool:
    """True for a paragraph that is a heading: one sentence without a full stop ("Chris Truax
    at The Hill", "What to Know: …") or a question ("What are Canada's gun laws?")."""
    if len(sentences) != 1:
        return False
    return not is_complete(sentences[0]) or sentence_fault(sentences[0]) == QUESTION


def _leans(text: str) -> bool:
    """True for a unit that needs the one before it: it starts with a word that points back,
    gives its words to "she" or "he", or is nothing but a quotation (whose speaker is named
    elsewhere)."""
    if _LEANING.match(text) or _PRONOUN_SPEAKS.search(text) or _POINTS_BACK.search(text):
        return True
    return text[:1] in _QUOTE_OPENS and text.rstrip()[-1:] in _QUOTE_CLOSES


def _answers(text: str, previous_kept: bool, after_question: bool) -> bool:
    """True for a unit answering one not shown: short ("Yes.", "Today it's close to 60/40.")
    after a unit dropped, or in the first person after a question (an interview's answer)."""
    if previous_kept:
        return False
    short = len(_LETTERS.findall(text)) < _ANSWER_WORDS
    return short or (after_question and _FIRST_PERSON.search(text) is not None)


def _lead_paragraphs(lines: list[str], title: str) -> Iterator[tuple[str, list[str]]]:
    """Each line that may hold the lead with its sentences; the title run into the first
    line's text ("Title. First sentence.") is left out."""
    first = True
    for raw in lines:
        line = tidy(raw)
        if not line or line_fault(line):
            continue
        sentences = split_sentences(line)
        while first and sentences and _is_heading(sentences[0], title):
            sentences.pop(0)
        if sentences:
            first = False
            yield line, sentences


def _unpunctuated(line: str) -> list[_Candidate]:
    """A body of one line without a full stop ("Union leader released on bail"): shown when
    nothing in it is what no summary shows."""
    whole = is_balanced(line) and not sentence_fault(line) and not _continues(line)
    return [_Candidate(line, follows=False, leans=False)] if whole else []


def _stands(text: str) -> bool:
    """True for a unit a reader can take on its own: complete, not cut from its start, and
    none of what no summary shows (leadfaults)."""
    return (
        is_complete(text)
        and len(_WORD.findall(text)) >= _MIN_WORDS
        and not _continues(text)
        and sentence_fault(text) is None
    )


def _continues(text: str) -> bool:
    """True when ``text`` starts the way only the rest of a sentence does: punctuation, or a
    word in lower case ("and then …"; not "iOS", "miRNAs" or "w000", which are names)."""
    core = text.lstrip(_OPENERS)
    if not core:
        return True
    word = core.split(maxsplit=1)[0].rstrip(",;:")
    return core[0] in _CONTINUES or text.startswith("...") or (word.isalpha() and word.islower())


def _is_heading(line: str, title: str) -> bool:
    """The title again, a date, or BHRRC's quoted original headline with its date."""
    if parse_date(line) is not None or _repeats(line, title):
        return True
    if line[:1] not in "\"“‘'«":
        return False
    close = max(line.rfind(quote) for quote in "\"”’'»")
    return close > 0 and parse_date(line[close + 1 :]) is not None


def _repeats(line: str, title: str) -> bool:
    """True when ``line`` is ``title`` again, allowing for punctuation and truncation."""
    b = _fold(title)
    # The fold of a start of the line is a start of its fold: when that is already too long
    # to be the title again, the rest of a long line need not be folded.
    if len(b) < 0.8 * len(_fold(line[: 2 * len(title) + 64])):
        return False
    a = _fold(line)
    if not a or not b:
        return False
    shorter, longer = sorted((a, b), key=len)
    is_prefix = longer == shorter or longer.startswith(shorter + " ")
    return is_prefix and len(shorter) >= 0.8 * len(longer)


def _fold(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _select(
    candidates: Sequence[_Candidate], title: str, max_chars: int, max_sentences: int
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
