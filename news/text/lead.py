"""The lead of a story, read as a reader would: the units of whole sentences a summary may show.

A unit is one sentence, or the several a quotation spans (news/text/quotes.py). What no summary
shows is left out (news/text/leadfaults.py), and so is a unit that leans on one left out ("He
said …" after someone else's words, "It's named after …" answering a question not shown, "that
theory" from a sentence not shown). Only the lead is read (LEAD_SENTENCES), and only its first
section: a subheading ends it (a roundup's next story, an explainer's next part).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

from news.text.byline import parse_date, quoted_headline_date
from news.text.leadfaults import QUESTION, line_fault, sentence_fault, tidy
from news.text.quotes import is_balanced, units
from news.text.sentences import is_complete, split_sentences

__all__ = ["LEAD_SENTENCES", "Candidate", "is_heading", "lead_candidates"]

# The lead: the first sentences of the story proper (after the lines no summary shows). The
# BHRRC seed page's NGO response is its ninth.
LEAD_SENTENCES = 12
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


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit of whole sentences a summary may show; ``follows``: the unit before it in the
    story is the candidate before it (nothing was dropped between them)."""

    text: str
    follows: bool
    leans: bool


def lead_candidates(lines: list[str], title: str) -> list[Candidate]:
    """The lead's units a summary may show, in order, each once (feeds repeat lines).

    A unit leaning on one not shown ("He said …" after half a quotation, "It's named after …"
    answering a question) is not one: only the story's first unit may lean on nothing.
    """
    found: dict[str, Candidate] = {}
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
                found[text] = Candidate(text, previous_kept, leans)
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
        while first and sentences and is_heading(sentences[0], title):
            sentences.pop(0)
        if sentences:
            first = False
            yield line, sentences


def _unpunctuated(line: str) -> list[Candidate]:
    """A body of one line without a full stop ("Union leader released on bail"): shown when
    nothing in it is what no summary shows."""
    whole = is_balanced(line) and not sentence_fault(line) and not _continues(line)
    return [Candidate(line, follows=False, leans=False)] if whole else []


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


def is_heading(line: str, title: str) -> bool:
    """The title again, a date, or BHRRC's quoted original headline with its date."""
    if parse_date(line) is not None or _repeats(line, title):
        return True
    return quoted_headline_date(line) is not None


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
