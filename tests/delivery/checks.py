"""What a subscriber's phone, and Telegram before it, would make of a chat's messages."""

import re

from news.delivery.render import MAX_MESSAGE, plain_text, visible_length
from news.delivery.split import MAX_ENTITIES
from news.i18n.translator import Translator
from news.models import StoredStory
from tests.fakes.telegram import render_text
from tests.languages import EN


def check_accepted(text: str) -> None:
    """What Telegram would say: the stand-in's parser and length rule, and the entity cap."""
    parsed = render_text(text, "HTML")
    assert visible_length(text) <= MAX_MESSAGE
    assert len(parsed.entities) <= MAX_ENTITIES


def check_framing(messages: list[str], *, discreet: bool, tr: Translator = EN) -> None:
    """A heading, then in every message a topic header first and never one left last."""
    for number, message in enumerate(messages):
        text = plain_text(message)
        if discreet:
            notice, text = text.split("\n", 1)
            assert notice in (tr.gettext("New story"), tr.ngettext("New story", "New stories", 2))
            digest = tr.gettext("Daily digest, {day}").split(",")[0].split("{")[0].strip()
            assert digest.casefold() not in (notice + text.split("\n\n")[0]).casefold()
        parts = text.split("\n\n")
        if number == 0:
            parts = parts[1:]  # the heading: "Daily digest, Mon 7 Dec 2026 — 60 stories"
        assert parts[0].startswith("▍")
        assert not parts[-1].startswith("▍")


def check_each_story_once(messages: list[str], stories: list[StoredStory]) -> None:
    """Each story's title link exactly once (test stories link to example.org/story/<id>?)."""
    shown = re.findall(r'href="https://example\.org/story/(\d+)\?', "".join(messages))
    assert sorted(map(int, shown)) == sorted(s.id for s in stories)
