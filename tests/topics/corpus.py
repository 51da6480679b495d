"""The labelled corpus set: real feed items, read at run time from ../shared/corpus/feeds.

``tests/data/topics_corpus.toml`` holds, for each item, its corpus path, its id and the topics
a subscriber would want; never the item's text. Each feed is parsed as a poll parses it
(``parse_document``, with the configured topics), so the topics scored are the ones a poll
would store, with the title and text it matched.
"""

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from news.feeds.normalise import parse_document
from news.models import FeedContext
from news.text.urls import canonical_url
from news.topics.match import CompiledTopic

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "feeds"
CORPUS_LABELLED = ROOT / "tests" / "data" / "topics_corpus.toml"
NOW = datetime(2026, 12, 7, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CorpusItem:
    """One labelled corpus item, and what a poll made of it."""

    path: str
    id: str
    topics: frozenset[str]
    matched: dict[str, tuple[str, ...]]  # slug to the terms that matched
    title: str
    text: str  # the clean text matching saw
    note: str = ""  # why the label, in our words


def corpus_missing(corpus: Path = CORPUS) -> str | None:
    """Why the corpus set cannot run here, or None when it can."""
    if not corpus.is_dir():
        return f"corpus set skipped: the shared feed corpus is not at {corpus}"
    return None


def read_corpus_items(
    topics: Sequence[CompiledTopic],
    known_slugs: Sequence[str],
    labelled: Path = CORPUS_LABELLED,
    corpus: Path = CORPUS,
) -> list[CorpusItem]:
    """Every labelled item with the topics a poll gives it; an id that names no item, or a
    label naming no topic, is an error (a silent miss would flatter the scores)."""
    rows = tomllib.loads(labelled.read_text(encoding="utf-8"))["items"]
    items = []
    for path in dict.fromkeys(row["path"] for row in rows):
        wanted = {row["id"]: row for row in rows if row["path"] == path}
        body = (corpus / path).read_bytes()
        found = _read_feed(body, path, topics)
        for item_id, row in wanted.items():
            hit = found.get(item_id) or found.get(canonical_id(item_id))
            if hit is None:
                raise ValueError(f"{labelled}: {path} has no item {item_id!r}")
            if unknown := set(row["topics"]) - set(known_slugs):
                raise ValueError(f"{labelled}: {item_id} is labelled with unknown {unknown}")
            matched, title, text = hit
            labels = frozenset(row["topics"])
            note = row.get("note", "")
            items.append(CorpusItem(path, item_id, labels, matched, title, text, note))
    return items


def _read_feed(
    body: bytes, path: str, topics: Sequence[CompiledTopic]
) -> dict[str, tuple[dict[str, tuple[str, ...]], str, str]]:
    """Each item of the feed by every id it can be labelled with: what a poll matched, its
    title and the clean text matching saw (a poll keeps it for matched items only)."""
    feed = FeedContext(f"https://feeds.example/{Path(path).name}", Path(path).stem, "ngo", "en")
    found = {}
    for entry in parse_document(body, {}, feed, topics, NOW).entries:
        matched = {hit.slug: hit.terms for hit in entry.topics}
        for item_id in (entry.guid, entry.url, f"key:{entry.key}"):
            if item_id:
                found[item_id] = (matched, entry.title, entry.text)
    return found


def canonical_id(item_id: str) -> str:
    """A labelled link as the poll stores it (canonical)."""
    return item_id if item_id.startswith("key:") else canonical_url(item_id)
