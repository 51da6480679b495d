"""Stories to Telegram HTML messages. Pure.

Every feed string is escaped; only http(s) links are emitted; each message stays under
Telegram's 4096-character limit counted in UTF-16 code units after entity parsing, and long
lists split between items, never inside one.
"""

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from news.models import StoredStory
from news.text.urls import is_http_url

MAX_MESSAGE = 4096  # telegram.constants.MessageLimit.MAX_TEXT_LENGTH, without importing telegram
_TAG = re.compile(r"<[^>]+>")
SOURCE_LABELS = {
    "ngo": "NGO",
    "independent media": "independent media",
    "government": "government",
    "state-aligned media": "state-aligned media",
    "intergovernmental": "intergovernmental",
    "aggregator": "aggregator",
}


@dataclass(frozen=True, slots=True)
class Section:
    """A digest section: one topic's stories, newest first."""

    title: str
    stories: tuple[StoredStory, ...]


def escape(text: str) -> str:
    """Escape feed text for Telegram HTML (``&``, ``<``, ``>`` and quotes)."""
    return html.escape(text, quote=True)


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (emoji and rare scripts count twice)."""
    return len(text.encode("utf-16-le")) // 2


def visible_length(message: str) -> int:
    """UTF-16 length of what the user sees: tags removed, entities decoded."""
    return utf16_len(plain_text(message))


def plain_text(message: str) -> str:
    """The words of an HTML message without markup, for Telegram's plain-text fallback."""
    return html.unescape(_TAG.sub("", message))


def link(url: str | None, label: str) -> str:
    """An anchor if ``url`` is http(s), else just the escaped label."""
    if url and is_http_url(url):
        return f'<a href="{escape(url)}">{escape(label)}</a>'
    return escape(label)


def credit_line(story: StoredStory) -> str:
    """Outlet (and type) · author · original date; "via" the feed when it only relayed."""
    kind = SOURCE_LABELS.get(story.source_type, story.source_type)
    via = f"{story.outlet} ({kind})"
    parts = [story.publisher or via, story.author, f"{story.published:%d %b %Y}"]
    line = " · ".join(escape(p) for p in parts if p)
    if story.publisher and story.publisher.casefold() != story.outlet.casefold():
        line += f" — via {escape(via)}"
    return line


@lru_cache(maxsize=4096)
def render_story(story: StoredStory) -> str:
    """One story as an HTML block: linked title, credit, summary, links, why it matched.

    Cached: a broadcast or a digest tick renders the same few stories for thousands of chats.
    """
    lines = [f"<b>{link(story.context_url or story.url, story.title)}</b>", credit_line(story)]
    if story.summary:
        lines.append(escape(story.summary))
    links = []
    original = story.original_url or (story.url if story.context_url else None)
    if original and is_http_url(original):
        links.append(link(original, "Original"))
    if story.also_reported_by:
        links.append("also reported by " + escape(", ".join(story.also_reported_by)))
    if links:
        lines.append(" · ".join(links))
    why = _why(story)
    if why:
        lines.append(f"<i>{why}</i>")
    return "\n".join(lines)


def _why(story: StoredStory) -> str:
    terms = list(dict.fromkeys(term for hit in story.topics for term in hit.terms))
    return f"Why: {escape(', '.join(terms))}" if terms else ""


def render_alert(story: StoredStory, *, discreet: bool = False) -> str:
    """An instant alert: one story in one message."""
    block = fit(render_story(story), MAX_MESSAGE - 200)
    return _discreet("New story", block) if discreet else block


@lru_cache(maxsize=256)
def render_digest(
    sections: tuple[Section, ...], *, heading: str, discreet: bool = False
) -> tuple[str, ...]:
    """A digest grouped by topic, split at story boundaries into messages under the limit.

    Cached: chats that follow the same topics get the same digest, rendered once.
    """
    count = len({s.id for section in sections for s in section.stories})
    noun = "story" if count == 1 else "stories"
    blocks: list[str] = []
    for section in sections:
        blocks.append(f"<b>▍{escape(section.title)}</b>")
        blocks.extend(render_story(story) for story in section.stories)
    head = f"<b>{escape(heading)}</b> — {count} {noun}"
    messages = pack(head, blocks)
    if discreet:
        return tuple(_discreet(f"New digest: {count} {noun}", m) for m in messages)
    return tuple(messages)


def render_list(stories: Sequence[StoredStory], *, heading: str) -> list[str]:
    """A plain list of stories (for /latest), split under the limit."""
    return pack(f"<b>{escape(heading)}</b>", [render_story(story) for story in stories])


def pack(heading: str, blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join ``blocks`` after ``heading`` into as few messages as fit, splitting between blocks."""
    messages: list[str] = []
    current = heading
    for block in blocks:
        block = fit(block, limit - visible_length(heading) - 40)
        candidate = f"{current}\n\n{block}"
        if visible_length(candidate) <= limit - 20:
            current = candidate
            continue
        messages.append(current)
        current = f"{heading} (continued)\n\n{block}"
    messages.append(current)
    return messages


def fit(block: str, limit: int) -> str:
    """Shorten a block whose visible text is over ``limit``, cutting its longest line at a word.

    A safety net: titles and summaries are already short, but a hostile feed must not be able
    to produce a message Telegram refuses.
    """
    lines = block.split("\n")
    while (excess := visible_length("\n".join(lines)) - limit) > 0:
        index = max(range(len(lines)), key=lambda i: visible_length(lines[i]))
        text = html.unescape(_TAG.sub("", lines[index]))
        if len(text) <= 1:
            break
        kept = text[: max(0, len(text) - excess - 1)]
        kept = kept.rsplit(" ", 1)[0] if " " in kept else kept
        lines[index] = escape(kept + "…")
    return "\n".join(lines)


def _discreet(notice: str, body: str) -> str:
    # The notification preview shows the first line; spoiler text shows as blocks there too.
    return f"{escape(notice)}\n<tg-spoiler>{body}</tg-spoiler>"
