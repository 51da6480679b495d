"""Rendered blocks into Telegram messages, measured as Telegram measures them. Pure.

Telegram refuses a text over 4096 UTF-16 code units of visible text (after entity parsing),
and formats only the first 100 entities of a message: a link past those is dead text.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_MESSAGE = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, without importing telegram
MAX_ENTITIES = 100  # telegram.constants.MessageLimit.MESSAGE_ENTITIES
MARGIN = 96  # room for a line a handler prepends (/latest's note), and to spare
BUDGET = MAX_MESSAGE - MARGIN
_TAG = re.compile(r"<[^>]+>")
_OPENING_TAG = re.compile(r"<[a-z]")


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (emoji and rare scripts count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def visible_length(message: str) -> int:
    """UTF-16 length of what the user sees: tags removed, entities decoded."""
    return utf16_len(plain_text(message))


def plain_text(message: str) -> str:
    """The words of an HTML message without markup, for Telegram's plain-text fallback."""
    return html.unescape(_TAG.sub("", message))


@dataclass(frozen=True, slots=True)
class Group:
    """Blocks under one header: a digest's topic, or a list's heading; ``continued`` opens
    the messages after the first ("▍EBA (continued)"), the header itself if empty."""

    header: str
    blocks: tuple[str, ...]
    continued: str = ""


@dataclass(frozen=True, slots=True)
class _Piece:
    html: str
    length: int  # visible UTF-16 code units
    entities: int

    @classmethod
    def of(cls, text: str) -> "_Piece":
        return cls(text, visible_length(text), len(_OPENING_TAG.findall(text)))


@dataclass(slots=True)
class _Draft:
    """The message being filled, and which group's header it carries."""

    pieces: list[_Piece] = field(default_factory=list)
    group: int = -1
    blocks: int = 0

    def holds(self, more: Sequence[_Piece], budget: int, entities: int) -> bool:
        # Each piece but the first is preceded by a blank line: two code units.
        length = sum(p.length + 2 for p in [*self.pieces, *more])
        return length <= budget + 2 and sum(p.entities for p in [*self.pieces, *more]) <= entities

    def add(self, more: Sequence[_Piece], group: int) -> None:
        self.pieces += more
        self.group, self.blocks = group, self.blocks + 1

    def text(self) -> str:
        return "\n\n".join(p.html for p in self.pieces)


def split(
    head: str, groups: Sequence[Group], *, budget: int, spare_entities: int = 0
) -> list[str]:
    """Messages of at most ``budget`` visible code units: ``head`` opens the first, then come
    each group's header and blocks, in order, split between blocks.

    After the head, every message opens with a header (``continued`` when its group began
    in the message before), and a header is always followed by a block of its group. A block
    too long for a message of its own is shortened by ``fit``. ``spare_entities``: the
    entities a wrapper will add.
    """
    first = [_Piece.of(head)] if head else []
    entities = MAX_ENTITIES - spare_entities
    messages: list[str] = []
    draft = _Draft(list(first))
    for number, group in enumerate(groups):
        header, more = _Piece.of(group.header), _Piece.of(group.continued or group.header)
        room = budget - more.length - sum(p.length + 2 for p in first) - 2
        for index, block in enumerate(group.blocks):
            story = _Piece.of(fit(block, room))
            opening = header if index == 0 else more
            pieces = [story] if draft.group == number else [opening, story]
            if draft.blocks and not draft.holds(pieces, budget, entities):
                messages.append(draft.text())
                draft, pieces = _Draft(), [opening, story]
            draft.add(pieces, number)
    if draft.blocks:
        messages.append(draft.text())
    return messages


def fit(block: str, limit: int) -> str:
    """Shorten a block whose visible text is over ``limit``, cutting its longest line at a word.

    A safety net: titles and summaries are already short, but a hostile feed must not be able
    to produce a message Telegram refuses.
    """
    lines = block.split("\n")
    while (excess := visible_length("\n".join(lines)) - limit) > 0:
        index = max(range(len(lines)), key=lambda i: visible_length(lines[i]))
        text = plain_text(lines[index])
        if len(text) <= 1:
            break
        kept = text[: max(0, len(text) - excess - 1)]
        kept = kept.rsplit(" ", 1)[0] if " " in kept else kept
        lines[index] = html.escape(kept + "…", quote=True)
    return "\n".join(lines)
