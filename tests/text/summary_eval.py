"""Summary quality on real publishers' feeds: the labelled items of the shared corpus.

Run from the project root (``make eval``)::

    python -m tests.text.summary_eval [LABELLED]

Each labelled item (``tests/data/summaries_labelled.toml``: a corpus file, an item id and the
properties a reader expects, never the item's text) is read from ../shared/corpus/feeds by our
own parser and cleaned and summarised as a poll does. The summary is then checked by detectors
of this file's own, independent of news/text: unbalanced quotation marks, captions and credits,
bylines and datelines, intros and sign-up lines, fragments, teasers and question leads. An item
is acceptable when no detector fires, it is empty exactly when labelled ``empty`` (nothing a
reader can trust: the headline alone), and its summary is not one judged unacceptable by a
reader (``bad``: fingerprints of summaries read and rejected, for faults no detector sees;
``ok``: of those read and accepted, so that a summary nobody has read yet is counted).

Prints the figures and each unacceptable item; exits 1 below the targets (acceptable ≥ 95%,
unbalanced quotes 0, captions and credits 0). Skips, saying so, when the corpus is absent.
"""

import hashlib
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from news.feeds.parse import parse_feed
from news.models import ParseError
from news.text.extract import clean, read_item, repeated_lines, take_credit
from news.text.summary import summarise

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"
LABELLED = ROOT / "tests" / "data" / "summaries_labelled.toml"
ACCEPTABLE = 0.95
KINDS = ("unbalanced", "caption", "byline", "intro", "fragment", "teaser", "question")

# The detectors: what a reader would flag, written apart from news/text's own patterns.
_CAPTION = re.compile(
    r"\((?:image|photo|picture)s?\s+(?:credit|courtesy|by)|\b(?:image|photo|picture) credit\b"
    r"|getty images|shutterstock|\bfile photo\b|(?:^|\.\s)photo(?:graph)?\s*:"
    r"|\b(?:AFP|EPA|AP|Reuters)\s*/|/\s*(?:AFP|EPA|AP|Reuters)\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by\s+[A-Z][a-z]+\s+[A-Z]|[A-Z][A-Z/ ]{2,}, [A-Z][a-z]{2} \d|[A-Z]{3,}[A-Z ,]*\s[—–-]\s)"
    r"|\((?:Reuters|AP|AFP)\)\s*[—–-]"
)
_INTRO = re.compile(
    r"welcome (?:back )?to\b|sign up\b|subscribe (?:to|now|here|for)\b|why not subscribe"
    r"|first appeared (?:in|on)\b|originally (?:appeared|published)\b|to your inbox\b"
    r"|\b(?:an?|our|new|weekly|daily) (?:[\w-]+ )?(?:podcast|newsletter) (?:for|about)\b",
    re.IGNORECASE,
)
_TEASER = re.compile(
    r"\bwhat next\?|\bhere(?:’|')s (?:what|how|where)\b|\bhere are (?:some|the)\b|\bread more\b"
    r"|\bcontinue reading\b|\bclick here\b|\bwhat (?:we|you) (?:know|need to know)\b"
    r"|\bwhat to know\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"\?[\"”’»)]*(?:\s|$)")
_FRAGMENT_START = re.compile(r"[”»,;:)\]…]|\.\.\.|[a-z]+\b(?![A-Z\d])")
_CLOSER_STARTS = re.compile(r"[.!?…]\s+[”»]")
_PAIRS = {"”": "“", "»": "«"}
_SHOWN = {"caption": "caption/credit", "byline": "byline/dateline", "intro": "intro/sign-up"}


@dataclass(frozen=True, slots=True)
class Label:
    """What a reader expects of one item's summary."""

    feed: str
    id: str
    empty: bool = False
    faults: tuple[str, ...] = ()  # what the item's lead holds that must not be shown
    bad: tuple[str, ...] = ()  # fingerprints of summaries read and judged unacceptable
    ok: tuple[str, ...] = ()  # fingerprints of summaries read and judged acceptable
    note: str = ""


@dataclass(frozen=True, slots=True)
class Result:
    label: Label
    title: str
    summary: str
    kinds: tuple[str, ...]  # the detectors that fired, and "empty"/"not empty"/"judged"

    @property
    def acceptable(self) -> bool:
        return not self.kinds

    @property
    def read(self) -> bool:
        """A reader judged this very summary (an empty one needs no reading)."""
        marks = (*self.label.ok, *self.label.bad)
        return not self.summary or fingerprint(self.summary) in marks


def fingerprint(summary: str) -> str:
    """A summary's short fingerprint, for ``bad``: it names a text without holding it."""
    return hashlib.sha256(summary.encode("utf-8")).hexdigest()[:12]


def load_labels(path: Path) -> list[Label]:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Label(
            feed=item["feed"],
            id=item["id"],
            empty=item.get("empty", False),
            faults=tuple(item.get("faults", ())),
            bad=tuple(item.get("bad", ())),
            ok=tuple(item.get("ok", ())),
            note=item.get("note", ""),
        )
        for item in raw["items"]
    ]


def summaries(feed: Path) -> Iterator[tuple[str, str, str]]:
    """(item id, title, summary) for each item of ``feed``, as a poll would summarise it:
    parsed, read, credit taken, cleaned of the feed's repeated lines."""
    raw = parse_feed(feed.read_bytes(), {}, f"https://feeds.example/{feed.name}")
    base = f"https://feeds.example/{feed.name}"
    reads = [read_item(entry.html, base_url=entry.link or base) for entry in raw.entries]
    repeated = repeated_lines([read.text for read in reads])
    for entry, read in zip(raw.entries, reads, strict=True):
        extracted = clean(take_credit(read), repeated)
        first = next((line for line in extracted.text.splitlines() if line.strip()), "")
        title = entry.title or first
        summary = summarise(extracted.text, title=title, clean=extracted.clean)
        yield entry.guid or entry.link or "", title, summary


def faults_of(summary: str) -> list[str]:
    """The detectors that fire on ``summary``."""
    found = []
    if not _balanced(summary):
        found.append("unbalanced")
    checks = [
        ("caption", _CAPTION),
        ("byline", _BYLINE),
        ("intro", _INTRO),
        ("teaser", _TEASER),
        ("question", _QUESTION),
    ]
    found += [kind for kind, pattern in checks if pattern.search(summary)]
    if _FRAGMENT_START.match(summary) or _CLOSER_STARTS.search(summary):
        found.append("fragment")
    return found


def _balanced(text: str) -> bool:
    """Every closing mark closes an opening one, and none is left open: “ ”, « », straight
    double quotes in pairs, and ‘ closed by a ’ that is not inside a word."""
    stack: list[str] = []
    for at, char in enumerate(text):
        before, after = text[at - 1 : at], text[at + 1 : at + 2]
        if char in "“«":
            stack.append(char)
        elif char in _PAIRS:
            if not stack or stack.pop() != _PAIRS[char]:
                return False
        elif char == '"':
            if stack and stack[-1] == '"':
                stack.pop()
            else:
                stack.append('"')
        elif char == "‘" and not before.isalpha():
            stack.append("‘")
        elif char == "’" and not (before.isalnum() and after.isalnum()) and "‘" in stack:
            while stack.pop() != "‘":
                pass
    return not stack


def evaluate(labels: list[Label]) -> list[Result]:
    by_feed: dict[str, list[Label]] = {}
    for label in labels:
        by_feed.setdefault(label.feed, []).append(label)
    results = []
    for feed, wanted in sorted(by_feed.items()):
        try:
            found = {item: (title, s) for item, title, s in summaries(CORPUS / feed)}
        except ParseError as error:
            raise SystemExit(f"{feed}: {error}") from None
        for label in wanted:
            if label.id not in found:
                raise SystemExit(f"{feed}: no item {label.id!r}")
            title, summary = found[label.id]
            kinds = faults_of(summary)
            if bool(summary) == label.empty:
                kinds.append("not empty" if summary else "empty")
            if summary and fingerprint(summary) in label.bad:
                kinds.append("judged")
            results.append(Result(label, title, summary, tuple(kinds)))
    return results


def report(results: list[Result]) -> bool:
    """Print the figures and the unacceptable items; True when the targets are met."""
    feeds = len({result.label.feed for result in results})
    acceptable = sum(result.acceptable for result in results) / len(results)
    counts = Counter(kind for result in results for kind in result.kinds)
    empty = sum(not result.summary for result in results)
    print(f"Summaries: {len(results)} labelled items from {feeds} feeds ({empty} headline only)")
    print(f"  acceptable        {acceptable:6.1%}   (target ≥ {ACCEPTABLE:.0%})")
    for kind in KINDS:
        print(f"  {_SHOWN.get(kind, kind):<17} {counts[kind]:4d}")
    mismatched = counts["empty"] + counts["not empty"]
    print(f"  empty mismatch    {mismatched:4d}")
    print(f"  judged bad        {counts['judged']:4d}")
    # Summaries passed by the detectors that no reader has judged (changed since): the
    # acceptable share counts them, on the detectors' word alone.
    unread = sum(result.acceptable and not result.read for result in results)
    print(f"  passed, not read  {unread:4d}   (changed since judged: detectors only)")
    for result in results:
        if not result.acceptable:
            print(f"\n  {result.label.feed} {result.label.id}: {', '.join(result.kinds)}")
            print(f"    {result.title[:90]}")
            print(f"    [{fingerprint(result.summary)}] {result.summary[:300]}")
    return acceptable >= ACCEPTABLE and counts["unbalanced"] == 0 and counts["caption"] == 0


def main(argv: list[str]) -> int:
    if not CORPUS.is_dir():
        print(f"Summaries: skipped, the shared feed corpus is not at {CORPUS}")
        return 0
    labels = load_labels(Path(argv[0]) if argv else LABELLED)
    return 0 if report(evaluate(labels)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
