"""Stories to Telegram HTML messages. Pure.

Every feed string is escaped; only http(s) links are emitted; dates are the chat's own. Each
message stays under Telegram's 4096-character limit counted in UTF-16 code units after entity
parsing, wrapper included, and long lists split between stories, never inside one
(``news.delivery.split``).
"""

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import lru_cache

from news.delivery.split import BUDGET, MARGIN, Group, split

# Re-exported: callers that render also measure and fit.
from news.delivery.split import MAX_MESSAGE as MAX_MESSAGE
from news.delivery.split import fit as fit
from news.delivery.split import plain_text as plain_text
from news.delivery.split import utf16_len as utf16_len
from news.delivery.split import visible_length as visible_length
from news.models import StoredStory
from news.text.summary import truncate
from news.text.urls import is_http_url

SOURCE_LABELS = {
    "ngo": "NGO",
    "independent media": "independent media",
    "government": "government",
    "state-aligned media": "state-aligned media",
    "intergovernmental": "intergovernmental",
    "aggregator": "aggregator",
}
# Longest text shown for each part of a story. The feeds' own caps are lower (a title is at
# most 300 characters, a summary 350); these stop a hostile or old row from filling a message.
MAX_TITLE, MAX_NAME, MAX_SUMMARY, MAX_LIST = 400, 120, 1000, 300
MAX_HEADING_TOPICS = 160  # characters of topic names in a batch heading; the rest are counted


@dataclass(frozen=True, slots=True)
class Section:
    """A digest section: one topic's stories, newest first."""

    title: str
    stories: tuple[StoredStory, ...]


def escape(text: str) -> str:
    """Escape feed text for Telegram HTML (``&``, ``<``, ``>`` and quotes)."""
    return html.escape(text, quote=True)


def _shown(text: str, limit: int) -> str:
    """Feed text on one line, at most ``limit`` characters: a newline or tab in an author or a
    summary would break the message's layout, or pass for the gap between two stories."""
    return truncate(" ".join(text.split()), limit)


def link(url: str | None, label: str) -> str:
    """An anchor if ``url`` is http(s), else just the escaped label."""
    if url and is_http_url(url):
        return f'<a href="{escape(url)}">{escape(label)}</a>'
    return escape(label)


def credit_line(story: StoredStory, zone: tzinfo = UTC) -> str:
    """Outlet (and type) · author · original date in ``zone``; "via" the feed that relayed it."""
    kind = SOURCE_LABELS.get(story.source_type, story.source_type)
    via = f"{_shown(story.outlet, MAX_NAME)} ({kind})"
    local = story.published.astimezone(zone)
    publisher = _shown(story.publisher, MAX_NAME) if story.publisher else None
    author = _shown(story.author, MAX_NAME) if story.author else None
    parts = [publisher or via, author, f"{local.day} {local:%b %Y}"]
    line = " · ".join(escape(p) for p in parts if p)
    if story.publisher and story.publisher.casefold() != story.outlet.casefold():
        line += f" — via {escape(via)}"
    return line


@lru_cache(maxsize=8192)
def render_story(story: StoredStory, zone: tzinfo = UTC) -> str:
    """One story as an HTML block: linked title, credit, summary, links, why it matched.

    Cached by story and zone: a broadcast or a digest tick renders the same few stories for
    thousands of chats, which live in a few zones.
    """
    title = _shown(story.title, MAX_TITLE) or "Untitled"
    lines = [f"<b>{link(story.context_url or story.url, title)}</b>", credit_line(story, zone)]
    if story.summary:
        lines.append(escape(_shown(story.summary, MAX_SUMMARY)))
    links = []
    original = story.original_url or (story.url if story.context_url else None)
    if original and is_http_url(original):
        links.append(link(original, "Original"))
    if story.also_reported_by:
        others = _shown(", ".join(story.also_reported_by), MAX_LIST)
        links.append("also reported by " + escape(others))
    if links:
        lines.append(" · ".join(links))
    why = _why(story)
    if why:
        lines.append(f"<i>{why}</i>")
    return "\n".join(lines)


def _why(story: StoredStory) -> str:
    terms = list(dict.fromkeys(term for hit in story.topics for term in hit.terms))
    return f"Why: {escape(_shown(', '.join(terms), MAX_LIST))}" if terms else ""


def render_alert(story: StoredStory, *, discreet: bool = False, zone: tzinfo = UTC) -> str:
    """An instant alert: one story in one message."""
    notice = "New story"
    room = BUDGET - (visible_length(notice) + 1 if discreet else 0)
    block = fit(render_story(story, zone), room)
    return _discreet(notice, block) if discreet else block


@lru_cache(maxsize=256)
def render_digest(
    sections: tuple[Section, ...], *, heading: str, discreet: bool = False, zone: tzinfo = UTC
) -> tuple[str, ...]:
    """A digest: ``heading`` and its count, then each topic's stories under its header.

    Cached: chats that follow the same topics in the same zone get the same digest, rendered
    once.
    """
    count = _count(sections)
    head = f"<b>{escape(_shown(heading, MAX_NAME))}</b> — {_stories(count)}"
    return _render_sections(head, sections, discreet=discreet, zone=zone)


@lru_cache(maxsize=256)
def render_batch(
    sections: tuple[Section, ...], *, discreet: bool = False, zone: tzinfo = UTC
) -> tuple[str, ...]:
    """Alerts coalesced into one message (or a few): "5 new stories: EBA (3), NGO (2)"."""
    return _render_sections(batch_heading(sections), sections, discreet=discreet, zone=zone)


def batch_heading(sections: Sequence[Section]) -> str:
    """The count, then the topics with their counts in section order, as many as read well."""
    shown: list[str] = []
    used = 0
    for section in sections:
        part = f"{_shown(section.title, MAX_NAME)} ({len(section.stories)})"
        if shown and used + len(part) > MAX_HEADING_TOPICS:
            break
        shown.append(part)
        used += len(part) + 2
    topics = ", ".join(shown)
    if rest := len(sections) - len(shown):
        topics += f" …and {rest} more topic{'' if rest == 1 else 's'}"
    return f"<b>{_stories(_count(sections), 'new ')}</b>: {escape(topics)}"


def _render_sections(
    head: str, sections: tuple[Section, ...], *, discreet: bool, zone: tzinfo
) -> tuple[str, ...]:
    # The discreet notice never says "digest": it may be read over a shoulder.
    notice = "New story" if _count(sections) == 1 else "New stories"
    budget = BUDGET - (visible_length(notice) + 1 if discreet else 0)
    groups = [
        Group(_topic_header(s.title), tuple(render_story(story, zone) for story in s.stories))
        for s in sections
    ]
    messages = split(head, groups, budget=budget, spare_entities=1 if discreet else 0)
    return tuple(_discreet(notice, m) if discreet else m for m in messages or [head])


def _topic_header(title: str) -> str:
    return f"<b>▍{escape(_shown(title, MAX_NAME))}</b>"


def render_list(stories: Sequence[StoredStory], *, heading: str, zone: tzinfo = UTC) -> list[str]:
    """A plain list of stories (for /latest), split under the limit."""
    return pack(f"<b>{escape(heading)}</b>", [render_story(story, zone) for story in stories])


def pack(heading: str, blocks: Sequence[str], limit: int = MAX_MESSAGE) -> list[str]:
    """``heading`` and ``blocks`` in as few messages as fit, each opening with the heading
    ("(continued)" after the first) and split between blocks."""
    group = Group(heading, tuple(blocks))
    return split("", [group], budget=limit - MARGIN) or [heading]


def _count(sections: Sequence[Section]) -> int:
    return len({story.id for section in sections for story in section.stories})


def _stories(count: int, kind: str = "") -> str:
    return f"{count} {kind}{'story' if count == 1 else 'stories'}"


def _discreet(notice: str, body: str) -> str:
    # The notification preview shows the first line; spoiler text shows as blocks there too.
    return f"{escape(notice)}\n<tg-spoiler>{body}</tg-spoiler>"
