"""A page of stories for /latest: as many as fit in one message, and where the next starts.

Pure. Older stories come a tap away, page by page, instead of as a run of messages.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo

from news.delivery.render import WhyNames, escape, fit, render_story, visible_length
from news.delivery.split import BUDGET
from news.i18n.translator import Translator
from news.models import StoredStory


@dataclass(frozen=True, slots=True)
class Page:
    """One message's text and the stories it shows, newest first."""

    text: str
    stories: tuple[StoredStory, ...]


def render_page(
    stories: Sequence[StoredStory],
    *,
    heading: str,
    note: str = "",
    zone: tzinfo = UTC,
    tr: Translator,
    names: WhyNames | None = None,
) -> Page:
    """``note`` (escaped HTML) and a bold heading, then whole stories while they fit; a
    story too long on its own is shortened rather than left out (there is always one).
    ``names``: the topics whose matches the "Why" lines show (``render_story``)."""
    text = f"{note}<b>{escape(heading)}</b>"
    shown: list[StoredStory] = []
    budget = BUDGET  # the same room below Telegram's limit as every pushed message
    for story in stories:
        block = render_story(story, zone, tr, names)
        if not shown:
            block = fit(block, budget - visible_length(text) - 2)
        candidate = f"{text}\n\n{block}"
        if shown and visible_length(candidate) > budget:
            break
        text = candidate
        shown.append(story)
    return Page(text, tuple(shown))
