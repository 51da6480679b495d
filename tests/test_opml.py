"""Feed lists in and out: OPML read and written, the config file edited with its comments."""

import io
import tomllib
from pathlib import Path

import pytest

from bot.cli import main
from news.config import load_config
from news.opml import ListedFeed, OpmlError, add_feeds, read_opml, write_opml
from tests.conftest import DATA, REPO

EXPORT = DATA / "opml" / "reader_export.opml"
CONFIG = """\
# Our feeds. Keep this comment.
[storage]
database_url = "sqlite+aiosqlite:///x.db"

[[feeds]]
name = "Kampuchea Weekly"  # the weekly one
url = "https://weekly.example/old-rss.xml"
type = "independent media"
"""


def test_a_readers_export_gives_each_feed_once_in_order():
    assert read_opml(EXPORT.read_bytes()) == [
        ListedFeed("Mekong Ledger & Friends", "https://www.mekongledger.example/feed/"),
        ListedFeed("Kampuchea Weekly", "https://weekly.example/rss.xml"),
        ListedFeed("untitled.example", "https://untitled.example/atom.xml"),
    ]


@pytest.mark.parametrize(
    "document",
    [b"", b"not xml at all", b"<html><body>a web page</body></html>", b"\xff\xfe\x00garbage"],
)
def test_what_lists_no_feed_is_refused(document):
    with pytest.raises(OpmlError, match="it lists no feeds"):
        read_opml(document)


def test_an_entity_bomb_and_an_external_entity_expand_nothing():
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY a%d "%s">' % (i, b"&a%s;" % (str(i - 1).encode() if i > 1 else b"") * 10)
            for i in range(1, 9)
        )
        + b'<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + b'<opml version="2.0"><body><outline text="&a8;&x;" xmlUrl="https://a.example/f"/>'
        + b"</body></opml>"
    )
    feeds = read_opml(bomb)
    assert all(len(feed.name) <= 200 for feed in feeds)
    assert all("root:" not in feed.name for feed in feeds)


def test_new_feeds_are_appended_and_comments_kept():
    merge = add_feeds(
        CONFIG,
        read_opml(EXPORT.read_bytes()),
        source_type="ngo",
        language="km",
        note="Imported: check each feed's type and language.",
    )
    assert merge.text.startswith(CONFIG.rstrip("\n"))  # nothing above the new tables moved
    assert "# Imported: check each feed's type and language." in merge.text
    feeds = tomllib.loads(merge.text)["feeds"]
    assert [(f["name"], f["url"], f["type"], f["language"]) for f in feeds[1:]] == [
        ("Mekong Ledger & Friends", "https://www.mekongledger.example/feed/", "ngo", "km"),
        ("Kampuchea Weekly (2)", "https://weekly.example/rss.xml", "ngo", "km"),
        ("untitled.example", "https://untitled.example/atom.xml", "ngo", "km"),
    ]
    again = add_feeds(
        merge.text, read_opml(EXPORT.read_bytes()), source_type="ngo", language="km", note="x"
    )
    assert again.added == ()
    assert [why for _, why in again.skipped] == ["already in the config"] * 3


def test_import_then_export_round_trips_through_the_command_line(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    assert main(["import-opml", str(EXPORT), "--config", str(config), "--type", "ngo"]) == 0
    assert [f.name for f in load_config(config).feeds] == [
        "Kampuchea Weekly",
        "Mekong Ledger & Friends",
        "Kampuchea Weekly (2)",
        "untitled.example",
    ]
    exported = tmp_path / "out.opml"
    assert main(["export-opml", "--config", str(config), "-o", str(exported)]) == 0
    listed = read_opml(exported.read_bytes())
    assert [f.url for f in listed] == [f.url for f in load_config(config).feeds]
    assert "Mekong Ledger" in write_opml(load_config(config).feeds)


def test_a_list_that_would_break_the_config_changes_nothing(tmp_path: Path, capsys):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    hostile = tmp_path / "hostile.opml"
    hostile.write_text(
        '<opml version="2.0"><body><outline text="x" xmlUrl="javascript:alert(1)"/>'
        '<outline text="ok" xmlUrl="https://fine.example/feed"/></body></opml>',
        encoding="utf-8",
    )
    assert main(["import-opml", str(hostile), "--config", str(config)]) == 2
    assert "Not imported:" in capsys.readouterr().out
    assert config.read_text(encoding="utf-8") == CONFIG
    assert main(["import-opml", str(EXPORT), "--config", str(config), "--type", "blog"]) == 2
    assert config.read_text(encoding="utf-8") == CONFIG


def test_the_example_config_is_never_edited(tmp_path: Path, capsys):
    example = tmp_path / "config.example.toml"
    example.write_text(CONFIG, encoding="utf-8")
    assert main(["import-opml", str(EXPORT), "--config", str(example)]) == 2
    assert "copy config.example.toml to config.toml first" in capsys.readouterr().out
    assert example.read_text(encoding="utf-8") == CONFIG


def test_dry_run_says_what_would_change_and_changes_nothing(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, encoding="utf-8")
    out = io.StringIO()
    from bot.feed_lists import import_opml

    code = import_opml(config, EXPORT, out, source_type="ngo", language="en", dry_run=True)
    assert code == 0
    assert out.getvalue().splitlines()[0] == f"Would add 3 feed(s) to {config}:"
    assert config.read_text(encoding="utf-8") == CONFIG


def test_feeds_land_with_the_other_feeds_in_the_shipped_config(tmp_path: Path):
    config = tmp_path / "config.toml"
    config.write_text((REPO / "config.example.toml").read_text(encoding="utf-8"), "utf-8")
    before = load_config(config)
    assert main(["import-opml", str(EXPORT), "--config", str(config)]) == 0
    after = load_config(config)
    assert len(after.feeds) == len(before.feeds) + 3
    assert after.topics == before.topics
    text = config.read_text(encoding="utf-8")
    assert text.index("untitled.example") < text.index("[[topics]]")
