"""The credit line: the publisher and its type, its author and its own date, then the feed that
relayed it; a relay's own date only ever beside the relay. In every language a chat reads."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from news.delivery.render import credit_line, render_story
from news.models import StoredStory
from tests.fakes.telegram import parse_html
from tests.languages import EACH, EN, KM

STORY = StoredStory(
    id=1,
    title="EU warns Cambodia over trade preferences",
    summary="The Commission said the review would continue.",
    url="https://www.business-humanrights.org/en/latest-news/eu-warns/",
    original_url="https://www.angkorherald.example/eu-warns",
    context_url=None,
    outlet="Business & Human Rights Resource Centre — Cambodia",
    author="Sreymom Chan",
    publisher="Angkor Herald",
    published=datetime(2026, 11, 23, tzinfo=UTC),
    first_seen=datetime(2026, 11, 25, tzinfo=UTC),
    language="en",
    source_type="ngo",
    publisher_type="state-aligned media",
)
VIA = "Business &amp; Human Rights Resource Centre — Cambodia (NGO)"


def test_the_publishers_type_is_carried_into_the_credit():
    assert credit_line(STORY, UTC, EN) == (
        f"Angkor Herald (state-aligned media) · Sreymom Chan · 23 Nov 2026 — via {VIA}"
    )


def test_an_unconfigured_publisher_is_named_without_a_type():
    unknown = replace(STORY, publisher_type=None)
    assert credit_line(unknown, UTC, EN) == (
        f"Angkor Herald · Sreymom Chan · 23 Nov 2026 — via {VIA}"
    )


def test_a_relays_own_date_goes_with_the_relay_never_with_the_publisher():
    relayed = replace(STORY, published=datetime(2026, 11, 25, tzinfo=UTC), date_is_relayed=True)
    assert credit_line(relayed, UTC, EN) == (
        f"Angkor Herald (state-aligned media) · Sreymom Chan — via {VIA} · 25 Nov 2026"
    )


def test_a_publisher_that_is_the_feeds_own_outlet_is_not_relayed():
    own = replace(STORY, publisher="Business and Human Rights Resource Centre", author=None)
    assert credit_line(own, UTC, EN) == f"{VIA} · 23 Nov 2026"


@pytest.mark.parametrize("tr", EACH)
def test_every_language_labels_both_outlets(tr):
    line = credit_line(STORY, UTC, tr)
    assert line.startswith(f"Angkor Herald ({tr.gettext('state-aligned media')}) · ")
    relay = f"Business &amp; Human Rights Resource Centre — Cambodia ({tr.gettext('NGO')})"
    assert line.endswith(tr.gettext("— via {outlet}").format(outlet=relay))
    parse_html(render_story(STORY, UTC, tr))


def test_the_khmer_credit_line():
    line = credit_line(replace(STORY, date_is_relayed=True), UTC, KM)
    aligned, ngo = KM.gettext("state-aligned media"), KM.gettext("NGO")
    assert (aligned, ngo) != ("state-aligned media", "NGO")  # translated
    assert line.startswith(f"Angkor Herald ({aligned}) · Sreymom Chan — តាមរយៈ ")
    assert line.split(" — តាមរយៈ ")[1].startswith(
        f"Business &amp; Human Rights Resource Centre — Cambodia ({ngo}) · "
    )
