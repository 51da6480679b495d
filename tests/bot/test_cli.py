"""The command line as an admin uses it: real subprocesses, real signals, loopback feeds."""

import contextlib
import io
import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import DryRunPrinter
from bot.cli import main
from bot.console import format_new_stories
from news.models import FeedReport, FeedStatus, StoredStory, TopicMatch
from tests.conftest import DATA, REPO
from tests.fakes.feed_server import FeedServer, Reply, rss
from tests.fakes.telegram import FakeTelegram
from tests.rows import rows

EXE = [sys.executable, "-m", "bot.cli"]
SETPRIV = shutil.which("setpriv")  # runs a command without root's file-mode override


def write_config(
    tmp_path: Path,
    feeds: list[tuple[str, str]],
    *,
    database_url: str = "sqlite+aiosqlite:///cli.db",
    api_base_url: str | None = None,
) -> Path:
    lines = [
        "[storage]",
        f'database_url = "{database_url}"',
        "[http]",
        'connect_timeout = "2s"',
        'total_timeout = "3s"',
        "[polling]",
        "parse_workers = 0",
    ]
    if api_base_url is not None:
        lines += ["[telegram]", f'api_base_url = "{api_base_url}"']
    for name, url in feeds:
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', 'type = "ngo"']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["PYTHONUNBUFFERED"] = "1"
    return env


def as_from_a_terminal() -> None:
    """In the child: Ctrl-C at its default. A shell starts a background job (a test suite
    run with `&`, say) with SIGINT ignored, its children inherit that, and an ignored
    Ctrl-C is rightly ignored by the bot too."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_dry_run_without_token_polls_reports_errors_and_stops_on_ctrl_c(tmp_path, database_url):
    with FeedServer() as server:
        good = server.feed(
            "/good.xml", rss([{"title": "Hello from the feed", "link": "https://e.org/1"}])
        )
        config = write_config(
            tmp_path,
            [
                ("Good", good),
                ("Refused", "http://127.0.0.1:9/feed"),
                ("Nowhere", "http://feeds.invalid/rss"),
            ],
            database_url=database_url,
        )
        process = subprocess.Popen(
            [*EXE, "run", "--config", str(config)],
            cwd=REPO,
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=as_from_a_terminal,
        )
        assert process.stdout is not None
        seen: list[str] = []
        for line in process.stdout:
            seen.append(line)
            if sum(1 for s in seen if s.startswith("! ")) == 2 and any(
                "Hello from the feed" in s for s in seen
            ):
                break
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            signals = [
                line
                for line in Path(f"/proc/{process.pid}/status").read_text().splitlines()
                if line.startswith(("SigPnd", "ShdPnd", "SigBlk", "SigIgn", "SigCgt"))
            ]
            process.send_signal(signal.SIGUSR1)  # faulthandler: every thread's stack
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.communicate(timeout=3)
            process.kill()
            out, err = process.communicate()
            raise AssertionError(f"Ctrl-C did not stop the dry run: {signals}\n{err}") from None
    text = "".join(seen) + out
    assert text.startswith("DRY RUN: TELEGRAM_BOT_TOKEN is not set")
    assert "nothing goes to Telegram" in text
    assert "! Refused: network error: cannot connect" in text
    assert "! Nowhere: network error" in text
    assert "- Hello from the feed" in text  # no topics configured: a title, never sent
    assert process.returncode == 0
    assert "Traceback" not in err


def test_poll_once_prints_a_table(tmp_path, capsys, database_url):
    with FeedServer() as server:
        url = server.feed("/f.xml", rss([{"title": "Story A", "link": "https://e.org/a"}]))
        feeds = [("Example feed", url), ("Gone", server.url("/none"))]
        config = write_config(tmp_path, feeds, database_url=database_url)
        assert main(["poll", "--once", "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "Feed          Status      New  Note" in out
    assert "Example feed  ok          1" in out
    assert "Gone          http error  0    HTTP 404 Not Found" in out
    assert "== Example feed: 1 new, 0 matching a topic" in out
    assert "- Story A" in out


def test_check_config_ok_and_broken(tmp_path, capsys):
    assert main(["check-config", str(REPO / "config.example.toml")]) == 0
    assert ": OK" in capsys.readouterr().out
    broken = tmp_path / "broken.toml"
    broken.write_text(
        '[[feeds]]\nname = "x"\nurl = "https://e.org"\ntype = "ngo"\nevery = "fast"\n'
    )
    assert main(["check-config", str(broken)]) == 2
    assert 'feeds[0].every: expected a duration like "15m", got "fast"' in capsys.readouterr().err


def test_latest_on_an_empty_database(tmp_path, capsys, database_url):
    config = write_config(tmp_path, [], database_url=database_url)
    assert main(["latest", "--config", str(config)]) == 0
    assert "No matched stories yet" in capsys.readouterr().out


def test_the_dry_run_reports_a_failing_feed_once_and_its_recovery():
    out = io.StringIO()
    printer = DryRunPrinter(out)
    failing = FeedReport(
        1,
        "Flaky",
        FeedStatus.TIMEOUT,
        message="no answer",
        next_poll=datetime(2026, 1, 1, tzinfo=UTC),
    )
    for _ in range(3):
        printer.cycle([failing])
    printer.cycle([FeedReport(1, "Flaky", FeedStatus.NOT_MODIFIED)])
    assert out.getvalue() == (
        "! Flaky: timeout: no answer; next try 2026-01-01 00:00 UTC\n✓ Flaky: working again\n"
    )


def test_new_stories_print_in_full_only_when_they_match_a_topic():
    def story(title: str, *topics: TopicMatch) -> StoredStory:
        when = datetime(2026, 11, 27, tzinfo=UTC)
        return StoredStory(
            id=1,
            title=title,
            summary="Unions welcomed it." if topics else "",
            url=None,
            original_url="https://e.org/a",
            context_url=None,
            outlet="Wire",
            author=None,
            publisher=None,
            published=when,
            first_seen=when,
            language="en",
            source_type="ngo",
            topics=topics,
        )

    matching = story("EU reviews EBA", TopicMatch("cambodia-eba", ("EBA",)))
    report = FeedReport(1, "Wire", FeedStatus.OK, (story("Football results"), matching))
    assert format_new_stories([report]).splitlines() == [
        "",
        "== Wire: 2 new, 1 matching a topic",
        "* EU reviews EBA",
        "  Wire · 27 Nov 2026",
        "  Unions welcomed it.",
        "  Original: https://e.org/a",
        "  Why: cambodia-eba — matched EBA",
        "- Football results",
    ]


def run_cli(
    *args: str, token: str | None = None, without_file_override: bool = False
) -> subprocess.CompletedProcess[str]:
    env = clean_env() | ({"TELEGRAM_BOT_TOKEN": token} if token else {})
    drop = ["-dac_override", "-dac_read_search"]
    prefix = (
        [str(SETPRIV), f"--bounding-set={','.join(drop)}", f"--inh-caps={','.join(drop)}"]
        if without_file_override
        else []
    )
    return subprocess.run(
        [*prefix, *EXE, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    [line] = [s for s in result.stderr.splitlines() if " INFO " not in s]
    for text in expected:
        assert text in line


WRONG_TOKEN = "7000001:AAHwrongTokenThatMustNeverBePrinted1"


def test_a_rejected_token_is_one_line_and_never_printed(tmp_path, database_url):
    with FakeTelegram() as tg:
        config = write_config(tmp_path, [], api_base_url=tg.base_url, database_url=database_url)
        result = run_cli("run", "--config", str(config), token=WRONG_TOKEN)
    assert_one_clear_line(result, "Telegram rejected the bot token in TELEGRAM_BOT_TOKEN")
    assert WRONG_TOKEN.partition(":")[2] not in result.stdout + result.stderr


def test_a_stray_path_in_the_api_address_is_named_and_the_token_kept_secret(tmp_path):
    with FakeTelegram() as tg:
        config = write_config(tmp_path, [], api_base_url=f"{tg.base_url}/extra")
        result = run_cli("run", "--config", str(config), token=tg.token)
    assert_one_clear_line(result, "with no path after it", f"{tg.base_url}/extra")
    assert tg.token.partition(":")[2] not in result.stdout + result.stderr


def test_an_unreachable_bot_api_is_one_line(tmp_path, database_url):
    config = write_config(
        tmp_path, [], api_base_url="http://127.0.0.1:9", database_url=database_url
    )
    result = run_cli("run", "--config", str(config), token=WRONG_TOKEN)
    assert_one_clear_line(result, "Cannot reach the Telegram Bot API at http://127.0.0.1:9")
    assert WRONG_TOKEN.partition(":")[2] not in result.stdout + result.stderr


@pytest.mark.sqlite_only("a file that is no SQLite database")
def test_a_file_that_is_no_database_is_one_line_and_left_as_it_was(tmp_path, backend):
    not_a_db = tmp_path / "notes.db"
    not_a_db.write_bytes(b"these are someone's notes, not a database\n" * 200)
    config = write_config(tmp_path, [], database_url=f"sqlite+aiosqlite:///{not_a_db}")
    result = run_cli("poll", "--once", "--config", str(config))
    assert_one_clear_line(result, f"Cannot use the database sqlite+aiosqlite:///{not_a_db}")
    assert not_a_db.read_bytes() == b"these are someone's notes, not a database\n" * 200


@pytest.mark.sqlite_only("a SQLite file's pages overwritten")
def test_a_corrupt_database_is_one_line_and_left_as_it_was(tmp_path, backend):
    config = write_config(tmp_path, [("Feed", "http://127.0.0.1:9/feed")])
    assert run_cli("db", "upgrade", "--config", str(config)).returncode == 0
    database = tmp_path / "cli.db"
    page = 4096  # SQLite's page size here: the header page stays, every other is garbage
    kept = database.read_bytes()[:page]
    database.write_bytes(kept + b"\xff" * (database.stat().st_size - page))
    corrupt = database.read_bytes()
    result = run_cli("poll", "--once", "--config", str(config))
    assert_one_clear_line(result, "database disk image is malformed")
    assert database.read_bytes() == corrupt


def test_a_second_bot_sending_from_the_same_sqlite_file_is_one_line(tmp_path):
    with FakeTelegram() as tg:
        config = write_config(tmp_path, [], api_base_url=tg.base_url)
        log = tmp_path / "first.log"
        env = clean_env() | {"TELEGRAM_BOT_TOKEN": tg.token}
        with log.open("wb") as stderr:
            first = subprocess.Popen(
                [*EXE, "run", "--config", str(config)], cwd=REPO, env=env, stderr=stderr
            )
        try:
            tg.wait_for(lambda: "bot running as" in log.read_text(), timeout=60)
            second = run_cli("run", "--config", str(config), token=tg.token)
        finally:
            first.send_signal(signal.SIGTERM)
            first.wait(timeout=30)
    assert_one_clear_line(
        second, "Another process is already sending from the database", "takes one sender"
    )
    assert first.returncode == 0


def test_a_database_url_of_no_known_kind_is_one_line(tmp_path):
    config = write_config(tmp_path, [], database_url="nonsense://somewhere/db")
    result = run_cli("poll", "--once", "--config", str(config))
    assert_one_clear_line(result, "storage.database_url is not a database URL")


def test_a_database_driver_that_is_not_installed_is_one_line(tmp_path):
    config = write_config(tmp_path, [], database_url="postgresql+psycopg://digest@127.0.0.1:9/x")
    result = run_cli("db", "upgrade", "--config", str(config))
    assert_one_clear_line(result, "needs the psycopg driver, which is not installed")


@pytest.mark.sqlite_only("a directory where the SQLite file should be")
def test_a_directory_where_the_database_should_be_is_one_line(tmp_path, backend):
    (tmp_path / "cli.db").mkdir()
    config = write_config(tmp_path, [])
    result = run_cli("poll", "--once", "--config", str(config))
    assert_one_clear_line(result, "the database path is a directory")


def test_check_config_never_prints_the_database_password(tmp_path, capsys, monkeypatch):
    url = "postgresql+asyncpg://digest:s3cret-pass@db.example.org/digest"
    config = write_config(tmp_path, [], database_url=url)
    assert main(["check-config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "postgresql+asyncpg://digest:***@db.example.org/digest" in out
    monkeypatch.setenv("RIGHTS_DIGEST_DATABASE_URL", url.replace("s3cret-pass", "env-s3cret"))
    assert main(["check-config", str(write_config(tmp_path, []))]) == 0
    out = capsys.readouterr().out
    assert "env-s3cret" not in out
    assert "digest:***@db.example.org" in out


def test_poll_once_looks_up_stories_in_context_as_the_bot_does(tmp_path, capsys, database_url):
    with FeedServer() as server:
        server.route(
            "/en/latest-news/item/", Reply((DATA / "extract" / "bhrrc_item.html").read_bytes())
        )
        item = {"title": "Cambodia: union rules", "link": server.url("/en/latest-news/item/")}
        url = server.feed("/feed.xml", rss([item]))
        config = write_config(tmp_path, [], database_url=database_url)
        config.write_text(
            config.read_text()
            + f'[[feeds]]\nname = "BHRRC"\nurl = "{url}"\ntype = "ngo"\nstory_context = true\n'
        )
        assert main(["poll", "--once", "--config", str(config)]) == 0
    capsys.readouterr()
    [(context_url,)] = rows(database_url, "SELECT context_url FROM stories")
    assert context_url == server.url(
        "/en/cambodia-union-registration-rules-questioned-by-labour-groups#c123456"
    )


@pytest.mark.skipif(
    SETPRIV is None, reason="needs util-linux's setpriv to drop root's file override"
)
@pytest.mark.parametrize("read_only", ["file", "folder"])
@pytest.mark.sqlite_only("a SQLite file's mode, or its folder's")
def test_a_read_only_database_is_one_line_and_left_as_it_was(tmp_path, read_only, backend):
    # Tests run as root, whom file modes do not stop: the process drops that power, so
    # these modes hold as they would for the bot's own user (or on a read-only disk).
    config = write_config(tmp_path, [])
    assert run_cli("db", "upgrade", "--config", str(config)).returncode == 0
    database = tmp_path / "cli.db"
    before = database.read_bytes()
    (database if read_only == "file" else tmp_path).chmod(0o444 if read_only == "file" else 0o555)
    try:
        result = run_cli("poll", "--once", "--config", str(config), without_file_override=True)
    finally:
        tmp_path.chmod(0o755)
        database.chmod(0o644)
    assert_one_clear_line(result, "Cannot use the database")
    assert database.read_bytes() == before
