"""A /latest page: whole stories while they fit one message, never an empty page."""

from dataclasses import replace
from datetime import UTC

from news.delivery.pages import render_page
from news.delivery.render import MAX_MESSAGE, render_story, visible_length
from news.delivery.split import BUDGET
from tests.delivery.test_render import STORY
from tests.fakes.telegram import parse_html
from tests.languages import EN


def test_a_page_holds_the_stories_that_fit_and_says_which():
    long = [replace(STORY, id=n, summary="Khmer ខ្មែរ 🇰🇭 words. " * 60) for n in range(10)]
    page = render_page(long, heading="Latest in your topics", note="A note.\n", tr=EN)
    shown = len(page.stories)
    assert 1 < shown < 10
    assert page.stories == tuple(long[:shown])
    # Full: the next story would have taken it past the budget.
    after = f"{page.text}\n\n{render_story(long[shown], UTC, EN)}"
    assert visible_length(after) > BUDGET
    assert visible_length(page.text) <= MAX_MESSAGE
    assert page.text.startswith("A note.\n<b>Latest in your topics</b>\n\n")
    parse_html(page.text)  # Telegram would accept it


def test_one_story_too_long_for_a_message_is_shortened_not_dropped():
    huge = replace(STORY, title="&<> " * 3000, summary="x " * 5000)
    page = render_page([huge, STORY], heading="Latest", tr=EN)
    assert page.stories[0] == huge
    assert visible_length(page.text) <= MAX_MESSAGE
    parse_html(page.text)
