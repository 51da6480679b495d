"""Text that surrounds content but is not content: site banners, link labels, notices.

Patterns are data, each with where it comes from. They work on the lines of ``html_to_text``
output (one line per block), so a pattern is about a whole line unless it says otherwise.
None of them may reach a summary (DESIGN.md, "Boilerplate").
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence

from news.text.byline import parse_date
from news.text.linefind import Lines, line_start_patterns

_I = re.IGNORECASE

# (first line, last line, most lines between): blocks dropped whole.
BLOCKS = (
    # BHRRC donation appeal (current site): "hide message / Welcome to the Resource Centre /
    # …appeal… / Donate now hide message" (domain.md §1.1).
    (re.compile(r"(?:hide message\s*)?welcome to the resource centre\b", _I),
     re.compile(r".*\bdonate now\b", _I), 20),
    # BHRRC's older banner: "Updating the Resource Centre Digital Platform … Find Out More
    # Hide Message" (domain.md §1.1).
    (re.compile(r"updating the resource centre digital platform\b", _I),
     re.compile(r".*\bfind out more hide message\s*$", _I), 20),
)  # fmt: skip

# Whole lines dropped.
LINES = (
    # BHRRC banner controls left over when the banner is split differently (domain.md §1.1).
    re.compile(r"(?:donate now\s*)?hide message|donate now|find out more", _I),
    # BHRRC redirect notice shown on an item's own URL (seed page; domain.md §1.1), its
    # second sentence when it lands on a line of its own, and the language variant.
    re.compile(r"you are being redirected to the story\b.*", _I),
    re.compile(r"please click the following link if you are not automatically redirected.*", _I),
    re.compile(r"this piece of content is part of a larger story\b.*", _I),
    # The notice's link printed as text: "en/<story-slug>#c200383" (seed page).
    re.compile(r"\S*#c\d+"),
    # Link labels of aggregators: BHRRC "Read the full post here", WordPress "Continue
    # reading", generic "Read more", "Full story".
    re.compile(
        r"(?:read (?:the )?(?:full|whole|original) (?:post|article|story|report|statement)"
        r"(?: here)?|read more|continue reading|full story|click here to read more)\W*",
        _I,
    ),
    # The Cambodia Daily's pointer to the original: "In full: <outlet headline>" (§5.3).
    re.compile(r"in full\s*:.*", _I),
    # WordPress feed footer: "The post <title> appeared first on <site>."
    re.compile(r"the post .+ appeared first on .+", _I),
    # BHRRC page furniture around stories and items (domain.md §1.1).
    re.compile(r"related companies\s*:.*|all components of this story|get rss feed of.*", _I),
)

# Trailing pieces cut from the end of a line: a link label after the last sentence.
TRAILING = re.compile(
    r"(?<=[.!?…\"”’)])\s+(?:read more|continue reading|read the full (?:post|article|story)"
    r"(?: here)?)\W*$",
    _I,
)
# WordPress excerpts end in " […]": an elision, kept as an ellipsis for sentence splitting.
ELISION = re.compile(r"\s*\[(?:…|\.\.\.)\]$")

# BHRRC content-type labels, on their own line before a date line or with the date after
# them on the same line (domain.md §1.1: "Story", "Standard Page" followed by the date).
CONTENT_TYPES = ("story", "standard page", "company response", "company non-response")
_CONTENT_TYPE = re.compile(rf"({'|'.join(CONTENT_TYPES)})\b\s*[,:|·—-]?\s*(.+)", _I)

# The current BHRRC site prints the names of its SVG icons as one run before the content:
# "abusesaffiliationarrow-downarrow-left…twitteruniversalityweb" (domain.md §1.1). The ends of
# the run are known; the middle is guessed from the usual icon-set names.
ICON_WORDS = frozenset(
    {
        "abuses", "affiliation", "arrow", "down", "left", "right", "up", "twitter",
        "universality", "web", "facebook", "linkedin", "instagram", "youtube", "whatsapp",
        "telegram", "email", "mail", "envelope", "search", "close", "cross", "menu",
        "hamburger", "chevron", "caret", "plus", "minus", "tick", "check", "download",
        "upload", "external", "link", "share", "print", "pdf", "file", "document", "calendar",
        "clock", "location", "pin", "globe", "language", "user", "person", "people", "lock",
        "info", "warning", "alert", "filter", "sort", "home", "play", "pause", "video",
        "audio", "image", "camera", "quote", "star", "heart", "bookmark", "company",
        "companies", "sector", "sectors", "issue", "issues", "country", "countries", "region",
        "timeline", "rss", "feed", "phone", "map", "list", "grid", "expand", "collapse",
        "back", "next", "previous", "more", "less", "lawsuit", "lawsuits", "tag",
    }
)  # fmt: skip
_ICON_LENGTHS = sorted({len(word) for word in ICON_WORDS})
_ICON_MIN = 20
_ICON_CANDIDATE = re.compile(rf"[a-z-]{{{_ICON_MIN},2000}}")  # a whole icon set is a few hundred
# Bytes of UTF-8 text: "a" for an _ICON_CANDIDATE character (all ASCII), "\n" for itself,
# " " for any other byte.
_ICON_CHARS = bytes(
    0x61 if chr(b) in "abcdefghijklmnopqrstuvwxyz-" else b if b == 0x0A else 0x20
    for b in range(256)
)

# Where boilerplate can be: a pattern cannot match where its clue is missing. TRAILING needs
# one of its labels; lines of BLOCKS, LINES and content types start with one of a few words.
_TRAILING_LABELS = ("read more", "continue reading", "read the full")
_BLOCK_STARTS = line_start_patterns(
    "hide message|welcome to the resource centre|updating the resource centre", _I
)
_LINE_STARTS = line_start_patterns(
    "donate now|hide message|find out more|you are being redirected|please click|"
    "this piece of content|read |continue reading|full story|click here|in full|the post |"
    "related companies|all components|get rss feed",
    _I,
)  # and "#c" anywhere in the line
_TYPE_STARTS = line_start_patterns("story|standard page|company", _I)
_ICON_COVERAGE = 0.8  # share of the run made of known icon names (and dashes)


def strip_boilerplate(lines: Iterable[str], repeated: frozenset[str] = frozenset()) -> list[str]:
    """``lines`` without banners, notices, link labels, icon runs, content-type labels and
    the feed's own repeated lines; lines are whitespace-folded, empty ones dropped."""
    lines = list(lines)
    joined = "\n".join(lines)
    # Folding is most of the cost, and text that came out of extraction is folded already:
    # a printable line has no space but " " (isprintable is false for every other one).
    spaced = (
        "  " in joined or " \n" in joined or "\n " in joined or " " in joined[:1] + joined[-1:]
    )
    if spaced or not all(map(str.isprintable, lines)):
        lines = list(map(" ".join, map(str.split, lines)))
    return strip_folded(lines, repeated)


def strip_folded(lines: list[str], repeated: frozenset[str] = frozenset()) -> list[str]:
    """``strip_boilerplate`` of lines that are folded already."""
    return _strip(lines, repeated)[0]


def strip_to_text(lines: list[str], repeated: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """``"\\n".join(strip_folded(lines, repeated))``, and whether the text is clean: not empty,
    and nothing was there to strip (so ``stripped_lines`` may skip stripping it again)."""
    kept, clean = _strip(lines, repeated)
    text = "\n".join(kept)
    return text, clean and bool(text)


def stripped_lines(text: str, *, clean: bool = False) -> list[str]:
    """``strip_boilerplate(text.splitlines())``; at once for a text ``strip_to_text`` called
    clean (its lines are folded, none empty, and nothing in them is boilerplate)."""
    return text.split("\n") if clean else strip_boilerplate(text.splitlines())


def _strip(lines: list[str], repeated: frozenset[str]) -> tuple[list[str], bool]:
    """The lines kept, and whether they are all the non-empty lines not in ``repeated``
    (nothing else was there to strip: stripping them again changes nothing).

    Each pattern is looked for in the whole text first (news/text/linefind.py) and run only on the
    lines where it may match: most items have no boilerplate at all.
    """
    # Repeated lines are checked before and after cleaning: the feed's own lines are raw text.
    lines = [line for line in lines if line not in repeated] if repeated else list(lines)
    found = Lines(lines)
    if icons := _icon_lines(found):
        lines = [_without_icons(line) if i in icons else line for i, line in enumerate(lines)]
        found = Lines(lines)
    trailing = found.containing(_TRAILING_LABELS, any_case=True)
    for index in sorted(trailing):
        lines[index] = TRAILING.sub("", lines[index])
    elided = found.containing(("[…]", "[...]"))
    for index in sorted(elided):
        lines[index] = ELISION.sub("…", lines[index])
    # Cleaning cut the ends of lines only: the starts found above are still the starts.
    starts = found.starting(*_BLOCK_STARTS)
    kept = _drop_blocks(lines, starts) if starts else lines
    noisy = {lines[i] for i in found.starting(*_LINE_STARTS) | found.containing(("#c",))}
    kept = [
        line
        for line in kept
        if line and line not in repeated and (line not in noisy or not _is_boilerplate(line))
    ]
    labels = {lines[i] for i in found.starting(*_TYPE_STARTS)}
    clean = not (icons or trailing or elided or starts or noisy or labels)
    return (_drop_content_types(kept, labels) if labels else kept), clean


def _icon_lines(found: Lines) -> set[int]:
    """The lines with a run of _ICON_CANDIDATE's characters long enough to be one: in UTF-8,
    bytes.translate marks them, and one search finds each line's first run."""
    marked = found.text.encode("utf-8", "surrogatepass").translate(_ICON_CHARS)
    run, lines, line, counted = b"a" * _ICON_MIN, set(), 0, 0
    position = marked.find(run)
    while position >= 0:
        line += marked.count(b"\n", counted, position)
        lines.add(line)
        counted = position
        next_line = marked.find(b"\n", position)
        position = -1 if next_line < 0 else marked.find(run, next_line)
    return lines


def _without_icons(line: str) -> str:
    if _ICON_CANDIDATE.search(line):
        line = " ".join(word for word in line.split(" ") if not is_icon_run(word))
    return line


def _is_boilerplate(line: str) -> bool:
    return any(pattern.fullmatch(line) for pattern in LINES)


def _drop_blocks(lines: list[str], starts: set[int]) -> list[str]:
    """``lines`` without the blocks that start at one of the ``starts`` (no others can)."""
    kept: list[str] = []
    index = 0
    for start in sorted(starts):
        if start < index:
            continue  # inside a block dropped already
        line = lines[start]
        block = next(((end, most) for first, end, most in BLOCKS if first.match(line)), None)
        if block is None:
            continue
        end, most = block
        last = next(
            (i for i in range(start, min(start + most, len(lines))) if end.match(lines[i])), start
        )
        kept.extend(lines[index:start])
        index = last + 1
    kept.extend(lines[index:])
    return kept


def _drop_content_types(lines: list[str], labels: set[str]) -> list[str]:
    """``lines`` without content-type labels; only lines in ``labels`` can be one."""
    kept: list[str] = []
    index = 0
    while index < len(lines):
        line, following = lines[index], lines[index + 1] if index + 1 < len(lines) else ""
        if line not in labels:
            kept.append(line)
        elif line.lower() in CONTENT_TYPES and parse_date(following):
            index += 1  # the date line goes with its label
        elif (label := _CONTENT_TYPE.fullmatch(line)) is None or parse_date(label[2]) is None:
            kept.append(line)
        index += 1
    return kept


def is_icon_run(word: str) -> bool:
    """True for a long run of concatenated icon names, like "arrow-downarrow-lefttwitter"."""
    if not _ICON_CANDIDATE.fullmatch(word):
        return False
    # covered[i]: most characters of word[:i] that are icon names or dashes (word break DP).
    covered = [0] * (len(word) + 1)
    for end in range(1, len(word) + 1):
        best = covered[end - 1] + (word[end - 1] == "-")
        for length in _ICON_LENGTHS:
            if length <= end and word[end - length : end] in ICON_WORDS:
                best = max(best, covered[end - length] + length)
        covered[end] = best
    return covered[-1] >= _ICON_COVERAGE * len(word)


def repeated_lines(
    documents: Sequence[str], *, min_share: float = 0.6, min_docs: int = 4
) -> frozenset[str]:
    """Lines of plain text found in at least ``min_share`` of a feed's distinct items: the
    feed's own boilerplate ("Support independent journalism"). Lines that differ per item,
    like "The post <title> appeared first on …", are not repeated and are not caught here."""
    distinct = {doc for doc in documents if doc.strip()}
    if len(distinct) < min_docs:
        return frozenset()
    counts: Counter[str] = Counter()
    for doc in distinct:
        counts.update({" ".join(line.split()) for line in doc.splitlines()} - {""})
    needed = max(2, math.ceil(min_share * len(distinct)))
    return frozenset(line for line, count in counts.items() if count >= needed)
