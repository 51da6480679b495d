"""Conformance leg: every file of the shared feed corpus, served over loopback and polled.

Reads ../shared/corpus/feeds at test time (never copied into the project) and skips when it is
absent. Each file must yield its entries or a clear recorded error; none may crash the poller;
SOURCES.md's entry counts are the cross-check.
"""

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.app import Services, open_services
from news.config import parse_config
from news.models import FeedReport, FeedStatus
from news.store.tables import Entry, Feed
from tests.conftest import SHARED, feed_entry
from tests.fakes.feed_server import FeedServer, Reply

CORPUS = SHARED / "corpus" / "feeds"
pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not (CORPUS / "SOURCES.md").exists(),
        reason=f"shared feed corpus not found at {CORPUS} (only in the full workspace and CI)",
    ),
]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
_ROW = re.compile(r"^\| `(?P<path>[^`]+)` \|(?:[^|]*\|){4} (?P<fp>[^|]+) \| (?P<ffp>[^|]+) \|")
_HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.M)


@dataclass(frozen=True)
class CorpusFile:
    path: str
    feedparser_entries: int
    fastfeedparser_entries: int | None  # None: it raised

    @property
    def most_entries(self) -> int:
        return max(self.feedparser_entries, self.fastfeedparser_entries or 0)


def corpus_files() -> list[CorpusFile]:
    if not (CORPUS / "SOURCES.md").exists():
        return []
    files = []
    for line in (CORPUS / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line)
        if match:
            fp = int(match["fp"].split()[0])
            ffp = None if match["ffp"].strip() == "err" else int(match["ffp"])
            files.append(CorpusFile(match["path"], fp, ffp))
    return files


def served_headers(body: bytes) -> dict[str, str]:
    """feedparser's own test files name the HTTP headers they assume in a leading comment."""
    if not body.lstrip().startswith(b"<!--"):
        return {}
    comment = body[: body.find(b"-->")]
    return {k.decode().lower(): v.decode() for k, v in _HEADER.findall(comment)}


@pytest.fixture(scope="module")
def corpus_server() -> Iterator[FeedServer]:
    with FeedServer() as server:
        for entry in corpus_files():
            body = (CORPUS / entry.path).read_bytes()
            server.route(
                "/" + entry.path, Reply(body, headers=served_headers(body), etag=f'"{len(body)}"')
            )
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def corpus_run(
    corpus_server: FeedServer, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[Services, dict[str, FeedReport]]]:
    """One cold poll of the whole corpus, shared by the tests of this module."""
    feeds = [feed_entry(f.path, corpus_server.url("/" + f.path)) for f in corpus_files()]
    tmp = tmp_path_factory.mktemp("corpus")
    raw = {
        "storage": {"database_url": f"sqlite+aiosqlite:///{tmp / 'corpus.db'}"},
        "polling": {"parse_workers": 2},
        "feeds": feeds,
    }
    config = parse_config(raw, base_dir=tmp, environ={})
    async with open_services(config) as services:
        reports = {r.name: r for r in await services.poller.poll_due(T0)}
        yield services, reports


async def stored_entries(services: Services) -> dict[str, int]:
    query = select(Feed.name, func.count(Entry.id)).outerjoin(Entry).group_by(Feed.name)
    async with services.db.sessions() as session:
        return dict((await session.execute(query)).all())


def test_the_corpus_listing_is_complete():
    listed = {f.path for f in corpus_files()}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file()}
    assert listed == on_disk - {"SOURCES.md"}
    assert len(listed) == 77


@pytest.mark.asyncio(loop_scope="module")
async def test_every_corpus_file_yields_entries_or_a_clear_error(corpus_run):
    services, reports = corpus_run
    counts = await stored_entries(services)
    assert set(reports) == {f.path for f in corpus_files()}
    for file in corpus_files():
        report = reports[file.path]
        assert report.status in (FeedStatus.OK, FeedStatus.PARSE_ERROR), (file.path, report)
        if report.status is FeedStatus.PARSE_ERROR:
            assert report.message, file.path
            assert file.most_entries <= 1 or file.path.startswith("malformed/"), (file, report)
            continue
        # Never more entries than either reference parser saw, and at least one whenever
        # feedparser found any (fewer only where a document repeats items).
        assert counts[file.path] <= max(file.most_entries, 1), (file.path, counts[file.path])
        if file.feedparser_entries:
            assert counts[file.path] >= 1, file.path


@pytest.mark.asyncio(loop_scope="module")
async def test_json_feeds_are_read_even_though_feedparser_cannot(corpus_run):
    services, reports = corpus_run
    counts = await stored_entries(services)
    for file in corpus_files():
        if file.path.startswith("json/") and file.fastfeedparser_entries is not None:
            assert counts[file.path] == file.fastfeedparser_entries, file.path
    assert reports["json/allthis-partial.json"].status is FeedStatus.PARSE_ERROR


@pytest.mark.asyncio(loop_scope="module")
async def test_repeated_and_missing_guids_are_stored_once(corpus_run):
    services, _ = corpus_run
    counts = await stored_entries(services)
    assert counts["news/al-monitor_rss.xml"] == 11  # 20 items, 11 distinct GUID+link pairs
    assert counts["news/macworld.rss"] == 30  # no GUIDs at all
    # 1046 items without GUIDs or links; 14 are exact repeats (same title and text).
    assert counts["edge/areweanticheatyet_1046-items.rss"] == 1032


@pytest.mark.asyncio(loop_scope="module")
async def test_the_second_poll_of_the_corpus_finds_nothing_new(corpus_run):
    """Runs last: it polls again, three days on; every good feed answers 304 and adds nothing."""
    services, first = corpus_run
    second = {r.name: r for r in await services.poller.poll_due(T0 + timedelta(days=3))}
    assert set(second) == set(first)
    assert sum(len(r.new_stories) for r in second.values()) == 0
    for name, report in first.items():
        if report.status is FeedStatus.OK:
            assert second[name].status is FeedStatus.NOT_MODIFIED, name
