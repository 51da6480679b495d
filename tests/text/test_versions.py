"""Which outlet's version of a merged story is shown, and which configured feed a credited
outlet is: pure functions of the members and of the config, whatever the order."""

from dataclasses import replace
from datetime import UTC, date, datetime
from itertools import permutations

import pytest

from news.text.byline import parse_byline, quoted_headline_date
from news.text.outlets import Outlet, OutletTypes, outlet_key, same_outlet
from news.text.sentences import split_sentences
from news.text.versions import Version, choose_version, voices

DAY = datetime(2026, 11, 23, 7, tzinfo=UTC)
ORIGINAL = "https://www.mekongledger.example/2026/11/eba-review"
# The original publisher's own copy: a short teaser, no second voice.
PUBLISHER = Version(
    key="ml-1",
    feed_name="The Mekong Ledger",
    feed_url="https://www.mekongledger.example/feed/",
    url=ORIGINAL + "/",
    title="EU warns EBA access hinges on rights",
    summary="The Commission said the EBA review would continue.",
    author="Sreymom Chan",
    publisher=None,
    publisher_url=None,
    original_url=None,
    published=DAY,
)
# BHRRC's item: a richer excerpt with the claim and the answer, crediting the publisher.
RELAY = Version(
    key="bhrrc-1",
    feed_name="Business & Human Rights Resource Centre — Cambodia",
    feed_url="https://www.business-humanrights.org/en/feeds/cambodia",
    url="https://www.business-humanrights.org/en/latest-news/eba-review/",
    title="Cambodia: EU says EBA depends on rights; government calls review unfair",
    summary="Commissioner Anna Berg said there was no progress on the cases. "
    "Government spokesman Keo Sambath said the courts were independent.",
    author="Sreymom Chan",
    publisher="The Mekong Ledger",
    publisher_url=ORIGINAL,
    original_url=ORIGINAL,
    published=datetime(2026, 11, 25, tzinfo=UTC),
    date_is_relayed=True,
)
# A wire repost merged by headline: no link to the original, no credit.
REPOST = Version(
    key="wire-1",
    feed_name="Regional Wire",
    feed_url="https://wire.example/rss",
    url="https://wire.example/eba-review",
    title="EU warns EBA access hinges on rights - Regional Wire",
    summary="The Commission said the EBA review would continue into next year.",
    author=None,
    publisher=None,
    publisher_url=None,
    original_url=None,
    published=DAY,
)


def shown_in_every_order(members: list[Version]) -> set[Version]:
    return {choose_version(list(order)) for order in permutations(members)}


def test_the_original_publishers_version_is_shown_whatever_the_order():
    assert shown_in_every_order([PUBLISHER, RELAY, REPOST]) == {PUBLISHER}


def test_the_publishers_feed_is_known_by_the_name_a_relay_credits():
    # Its item links elsewhere (an AMP page, say): the credited name still finds it.
    elsewhere = replace(PUBLISHER, url="https://amp.mekongledger.example/x")
    relay = replace(RELAY, publisher_url=None, original_url="https://other.example/y")
    assert shown_in_every_order([elsewhere, relay, REPOST]) == {elsewhere}


def test_without_the_original_the_most_complete_version_is_shown_whatever_the_order():
    assert shown_in_every_order([RELAY, REPOST]) == {RELAY}  # both voices
    longer = "The Commission said the EBA review would continue. Talks resume in May."
    plain = replace(REPOST, summary=longer)  # one voice, as the other; two sentences
    assert shown_in_every_order([plain, replace(REPOST, key="wire-2")]) == {plain}


def test_a_version_with_a_summary_leads_one_never_summarised():
    unmatched = replace(PUBLISHER, summary="")  # no topic matched its copy: never summarised
    assert shown_in_every_order([unmatched, RELAY, REPOST]) == {RELAY}


def test_ties_are_settled_by_feed_and_key_not_by_order():
    twin = replace(REPOST, key="wire-0")
    assert shown_in_every_order([REPOST, twin]) == {twin}


def test_a_relay_of_another_outlet_is_never_the_original():
    # The publisher's own feed relaying a third outlet's story credits that outlet.
    relaying = replace(PUBLISHER, publisher="Kampuchea Weekly", url=ORIGINAL)
    assert shown_in_every_order([relaying, RELAY]) == {RELAY}


def test_voices_counts_the_people_a_summary_quotes():
    assert voices(split_sentences(RELAY.summary)) == 2
    assert voices(split_sentences(PUBLISHER.summary)) == 1
    assert voices([]) == 0


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("The Phnom Penh Post", "Phnom Penh Post"),
        ("Business & Human Rights Resource Centre — Cambodia", "Business and Human Rights "
         "Resource Centre"),
        ("CamboJA News (ខ្មែរ)", "CamboJA News"),
        ("Khmer Times | National", "khmer times"),
    ],
)  # fmt: skip
def test_outlet_names_fold_their_qualifiers(one, other):
    assert outlet_key(one) == outlet_key(other)


def test_al_monitor_keeps_its_hyphen():
    assert outlet_key("Al-Monitor") != outlet_key("Al")


def test_same_outlet_by_name_or_by_site():
    assert same_outlet("The Mekong Ledger", None, "Mekong Ledger", None)
    assert same_outlet("ML", ORIGINAL, "Ledger feed", "https://mekongledger.example/rss")
    assert same_outlet("ML", ORIGINAL, "Ledger feed", "https://feeds.mekongledger.example/")
    assert not same_outlet("ML", ORIGINAL, "Wire", "https://wire.example/rss")


TYPES = OutletTypes(
    [
        Outlet("Business & Human Rights Resource Centre — Cambodia", RELAY.feed_url, "ngo"),
        Outlet("Khmer Daily", "https://www.khmerdaily.example/feed/", "state-aligned media"),
        Outlet("The Mekong Ledger", "https://feeds.mekongledger.example/rss", "independent media"),
        Outlet("Wire A", "https://news.aggregator.example/a", "aggregator"),
        Outlet("Wire B", "https://news.aggregator.example/b", "ngo"),
    ]
)


@pytest.mark.parametrize(
    ("name", "url", "expected"),
    [
        ("Khmer Daily", None, "state-aligned media"),  # by name alone (a BHRRC credit line)
        ("KD", "https://www.khmerdaily.example/2026/11/x", "state-aligned media"),  # by site
        ("KD", "https://khmerdaily.example/", "state-aligned media"),  # "www." aside
        ("KD", "https://m.khmerdaily.example/", "state-aligned media"),  # a subdomain
        ("Mekong Ledger", ORIGINAL, "independent media"),
        ("Unknown Weekly", "https://unknown.example/", None),
        ("Someone", "https://news.aggregator.example/z", None),  # two types on one host
        (None, None, None),
    ],
)
def test_a_credited_outlet_takes_its_type_from_the_configured_feed(name, url, expected):
    assert TYPES.type_of(name, url) == expected


def test_bhrrcs_quoted_headline_gives_the_originals_date():
    text = (
        "Author: Dara Mech, The Phnom Penh Post, Published on: 10 December 2019\n"
        "\n"
        "“Sar Kheng: Gov’t to tell EU it found no evidence”, 8 December 2019\n"
        "Minister of Interior Sar Kheng said…"
    )
    byline = parse_byline(text)
    assert byline is not None
    assert (byline.published, byline.original) == (date(2019, 12, 10), date(2019, 12, 8))
    assert quoted_headline_date('"A headline", Dec 8, 2019') == date(2019, 12, 8)
    assert quoted_headline_date("Sar Kheng said, 8 December 2019") is None  # not quoted
    assert quoted_headline_date("“A quote with no date”") is None
    # The next line that says something is not a quoted headline: no original date.
    only = parse_byline("Author: A, Outlet, Published on: 1 May 2021\nBody text.\n“Q”, 2 May 2021")
    assert only is not None
    assert only.original is None
