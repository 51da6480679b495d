"""Which outlet's version of a story is shown, when several feeds carried it. Pure.

The choice is a function of the cluster's members alone, never of the order they arrived in:
the original publisher's own version when the cluster has it, else the most complete one,
with ties settled by the feed's URL and the entry's key (both fixed, whatever the order).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from news.text.outlets import same_outlet
from news.text.scoring import find_speakers
from news.text.sentences import split_sentences
from news.text.urls import url_key


@dataclass(frozen=True, slots=True)
class Version:
    """One member of a cluster, as its feed told the story."""

    key: str  # the entry's identity key in its feed
    feed_name: str
    feed_url: str
    url: str | None  # the item's own link
    title: str
    summary: str
    author: str | None
    publisher: str | None  # the outlet it credits (a credit line, a <source>), if not its own
    publisher_url: str | None  # where that outlet lives: the original link or <source> URL
    original_url: str | None  # the original publisher's article, as the item links it
    published: datetime | None
    date_is_relayed: bool = False  # ``published`` is the relaying feed's date, not the outlet's


def choose_version(members: Sequence[Version]) -> Version:
    """The version readers see: ranked by ``_rank``, the same whatever the members' order."""
    if not members:
        raise ValueError("a story has at least one member")
    originals = {url_key(v.original_url) for v in members if v.original_url}
    credited = [(v.publisher, v.publisher_url) for v in members if v.publisher]
    return min(members, key=lambda v: (_rank(v, originals, credited), v.feed_url, v.key))


def is_original(
    version: Version, originals: set[str], credited: Sequence[tuple[str | None, str | None]]
) -> bool:
    """The original publisher's own copy: its link is the one other members call the
    original, or its feed is the outlet they credit (by name, or by site)."""
    if version.publisher and not same_outlet(
        version.publisher, version.publisher_url, version.feed_name, version.feed_url
    ):
        return False  # it credits another outlet: a relay
    if version.url and url_key(version.url) in originals:
        return True
    return any(
        same_outlet(name, url, version.feed_name, version.feed_url) for name, url in credited
    )


def voices(sentences: Sequence[str]) -> int:
    """How many people sentences quote (up to two): a claim and its answer make two."""
    return min(len(set(find_speakers(sentences).values())), 2) if sentences else 0


def _rank(
    version: Version, originals: set[str], credited: Sequence[tuple[str | None, str | None]]
) -> tuple[int, ...]:
    """Lower is better. A summary first: an item no topic matched was never summarised (its
    text is not kept), so it cannot lead a story another outlet's copy made worth sending.
    Then the original publisher; then completeness: both voices, more lead sentences, an
    author, the outlet's own date, a longer lead."""
    summary = version.summary
    sentences = split_sentences(summary) if summary else []
    own_date = version.published is not None and not version.date_is_relayed
    return (
        -bool(summary),
        -is_original(version, originals, credited),
        -voices(sentences),
        -len(sentences),
        -bool(version.author),
        -own_date,
        -len(summary),
    )
