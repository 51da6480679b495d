"""Making every message fit Telegram's 4,096 visible UTF-16 units. Pure.

``split_text`` cuts a long text, already rendered, into parts at paragraph, then line, then
word boundaries, and never inside a tag or a character reference: a tag open at a cut is
closed at the end of one part and opened again at the start of the next. (Rendering packs
stories into messages itself: ``news.delivery.split``.) ``within`` keeps as many lines or
blocks as fit and counts the rest ("…and 12 more").
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from news.delivery.render import MAX_MESSAGE, fit, utf16_len, visible_length

# Tags, character references, line breaks, runs of spaces, words (at most 64 characters, so
# that a "word" longer than a message can still be cut), and a lone "<" or "&".
_HTML_TOKEN = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]{1,32};|\n|[^\S\n]+|[^<&\s]{1,64}|[<&]")
_PLAIN_TOKEN = re.compile(r"\n|[^\S\n]+|[^\s]{1,64}")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


@dataclass(slots=True)
class _Part:
    """A part being filled: its tokens, their visible size, the tags open at each break."""

    opened: list[str]  # the opening tags carried over from the part before
    tokens: list[str] = field(default_factory=list)
    size: int = 0
    breaks: dict[str, tuple[int, int, tuple[str, ...]]] = field(default_factory=dict)


def split_text(text: str, limit: int = MAX_MESSAGE, *, is_html: bool = True) -> list[str]:
    """``text`` as parts of at most ``limit`` visible UTF-16 units each (one if it fits)."""
    if _size(text, is_html) <= limit:
        return [text]
    tokens = (_HTML_TOKEN if is_html else _PLAIN_TOKEN).findall(text)
    parts: list[str] = []
    start, opened = 0, list[str]()
    while start < len(tokens):
        start, opened, part = _fill(tokens, start, opened, limit, is_html)
        if _size(part, is_html):
            parts.append(part)
    return parts or [text[:limit]]


def _fill(
    tokens: list[str], start: int, opened: list[str], limit: int, is_html: bool
) -> tuple[int, list[str], str]:
    """One part from ``tokens[start:]``: where the next begins, its open tags, the part."""
    part, stack = _Part(list(opened)), list(opened)
    index = start
    while index < len(tokens):
        token = tokens[index]
        size = _size(token, is_html)
        if part.size + size > limit and part.tokens:
            return _cut(part, index, stack, limit, is_html)
        part.tokens.append(token)
        part.size += size
        index += 1
        if is_html and token.startswith("<"):
            _follow(stack, token)
        elif token == "\n":  # noqa: S105 - a line break, not a password
            kind = "paragraph" if len(part.tokens) > 1 and part.tokens[-2] == "\n" else "line"
            part.breaks[kind] = (len(part.tokens), index, tuple(stack))
        elif token.isspace():
            part.breaks["space"] = (len(part.tokens), index, tuple(stack))
    return index, [], _render(part, stack)


def _cut(
    part: _Part, index: int, stack: list[str], limit: int, is_html: bool
) -> tuple[int, list[str], str]:
    """End ``part`` at its best break: a paragraph, else a line, past half the limit; else
    the last break of any kind; else right here (in a word too long for any message)."""
    half = [
        part.breaks[kind]
        for kind in ("paragraph", "line")
        if kind in part.breaks
        and sum(_size(t, is_html) for t in part.tokens[: part.breaks[kind][0]]) >= limit // 2
    ]
    chosen = half[0] if half else max(part.breaks.values(), default=None)
    if chosen is None:
        return index, list(stack), _render(part, stack)
    kept, resume, open_then = chosen
    part.tokens = part.tokens[:kept]
    return resume, list(open_then), _render(part, list(open_then))


def _render(part: _Part, stack: list[str]) -> str:
    """The part's text, trimmed, with its carried-over tags opened and its open ones closed."""
    body = "".join(part.tokens).strip()
    closing = "".join(f"</{_name(tag)}>" for tag in reversed(stack))
    return "".join(part.opened) + body + closing


def _follow(stack: list[str], tag: str) -> None:
    """Keep ``stack`` the list of opening tags in force after ``tag``."""
    name = _name(tag)
    if not tag.startswith("</"):
        stack.append(tag)
        return
    for at in range(len(stack) - 1, -1, -1):
        if _name(stack[at]) == name:
            del stack[at:]
            return


def _name(tag: str) -> str:
    found = _TAG_NAME.match(tag)
    return found.group(1).lower() if found else ""


def _size(text: str, is_html: bool) -> int:
    return visible_length(text) if is_html else utf16_len(text)


def within(
    blocks: Sequence[str], room: int, *, separator: str = "\n", more: str = "…and {n} more"
) -> list[str]:
    """As many of ``blocks`` as fit in ``room`` visible units joined by ``separator``, each cut
    to fit if it alone is too long, and then a line counting the ones left out."""
    reserve = utf16_len(more.format(n=len(blocks))) + utf16_len(separator)
    kept: list[str] = []
    used = 0
    for index, block in enumerate(blocks):
        block = fit(block, max(1, room - reserve))
        size = visible_length(block) + (utf16_len(separator) if kept else 0)
        last = index == len(blocks) - 1
        if used + size + (0 if last else reserve) > room:
            return [*kept, html.escape(more.format(n=len(blocks) - index), quote=False)]
        kept.append(block)
        used += size
    return kept
