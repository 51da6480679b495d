"""``rights-digest``: the command line. Thin: parse arguments, load config, call the app.

Heavy modules (the config's validation, the app, the database, Telegram) are imported inside
the function that needs them: parser processes are spawned, and a spawned process imports
the main module again.
"""

import argparse
import asyncio
import contextlib
import faulthandler
import io
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.logs import configure_logging

if TYPE_CHECKING:
    from news.config import Config
    from news.store.db import SchemaNotCurrentError

DEFAULT_CONFIGS = (Path("config.toml"), Path("config.example.toml"))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    args = _parser().parse_args(argv)
    configure_logging(verbose=args.verbose)
    from news.config import ConfigError, load_config

    try:
        config_path = _config_path(args.config)
        config = load_config(config_path)
    except ConfigError as error:
        print(f"Config error: {error}", file=sys.stderr)
        return 2
    try:
        return int(args.command(config, config_path, args) or 0)
    except KeyboardInterrupt:
        print("\nStopped.", file=sys.stderr)
        return 0
    except Exception as error:
        from bot.failures import EXIT_FAILURE, describe_failure

        told = describe_failure(error, config)
        if told is None:
            raise  # a bug: its traceback is what a report needs
        print(told, file=sys.stderr)
        return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    from news.config import TOKEN_ENV

    parser = argparse.ArgumentParser(
        prog="rights-digest",
        description="Rights Digest: polls news feeds, matches stories to topics and sends "
        "them to Telegram subscribers.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        cmd.add_argument(
            "--config",
            type=Path,
            help="config file (default: config.toml, else config.example.toml)",
        )
        return cmd

    check = sub.add_parser("check-config", help="validate a config file and summarise it")
    check.add_argument("config", nargs="?", type=Path)
    check.set_defaults(command=_check_config)

    db = command("db", "database maintenance")
    db.add_argument("action", choices=["upgrade"], help="upgrade: apply pending migrations")
    db.set_defaults(command=_db)

    poll = command("poll", "poll due feeds and print what came in")
    poll.add_argument(
        "--once",
        action="store_true",
        required=True,
        help="one cycle, then exit (the scheduled loop is `run`)",
    )
    _migrate_flag(poll)
    poll.set_defaults(command=_poll)

    latest = command("latest", "print the newest matched stories as a subscriber reads them")
    latest.add_argument("--topic", help="a topic slug (default: every topic)")
    latest.add_argument("-n", type=int, default=5, help="how many (default 5)")
    _migrate_flag(latest)
    latest.set_defaults(command=_latest)

    opml_in = command("import-opml", "add the feeds an OPML file lists to the config file")
    opml_in.add_argument("file", type=Path, help="an OPML file (as feed readers export)")
    opml_in.add_argument("--type", default="independent media", help="their source type")
    opml_in.add_argument("--language", default="en", help="their language (ISO 639)")
    opml_in.add_argument("--dry-run", action="store_true", help="say what would change")
    opml_in.set_defaults(command=_import_opml)

    opml_out = command("export-opml", "print the configured feeds as OPML")
    opml_out.add_argument("-o", "--output", type=Path, help="write to a file, not stdout")
    opml_out.set_defaults(command=_export_opml)

    run = command("run", f"run the bot and its jobs (a dry run without {TOKEN_ENV})")
    run.add_argument(
        "--role",
        help="what this process does, of updates,send,schedule,poll (default: all four)",
    )
    _migrate_flag(run)
    run.set_defaults(command=_run)
    return parser


def _migrate_flag(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--migrate",
        action="store_true",
        help="upgrade an older database's schema first (else the command refuses it; "
        "a new database is always created)",
    )


def _config_path(given: Path | None) -> Path:
    from news.config import ConfigError

    if given is not None:
        return given
    for candidate in DEFAULT_CONFIGS:
        if candidate.exists():
            return candidate
    raise ConfigError("no config.toml or config.example.toml here; pass --config PATH")


def _check_config(config: "Config", path: Path, _args: argparse.Namespace) -> int:
    enabled = sum(1 for feed in config.feeds if feed.enabled)
    print(f"{path}: OK")
    print(f"  feeds:    {len(config.feeds)} ({enabled} enabled)")
    for feed in config.feeds:
        every = config.interval_for(feed)
        state = "" if feed.enabled else " [disabled]"
        print(f"    - {feed.name} ({feed.type}, {feed.language}, every {every}){state}")
    print(f"  topics:   {len(config.topics)}")
    for topic in config.topics:
        print(f"    - {topic.slug}: {topic.title}")
    from bot.failures import safe_url

    print(f"  database: {safe_url(config.storage.database_url)}")
    print(f"  telegram: {config.telegram.api_base_url} ({len(config.telegram.admins)} admins)")
    return 0


def _db(config: "Config", path: Path, _args: argparse.Namespace) -> int:
    from bot.failures import safe_url
    from news.store.db import SchemaNotCurrentError, upgrade_database

    try:
        upgrade_database(config.storage.database_url)
    except SchemaNotCurrentError as newer:  # an upgrade cannot bring a newer one back
        return _refuse_schema(config, path, newer, "db upgrade")
    print(f"Database is up to date: {safe_url(config.storage.database_url)}")
    return 0


def _poll(config: "Config", path: Path, args: argparse.Namespace) -> int:
    from bot.app import poll_once

    refused = _check_schema(config, path, "poll --once", migrate=args.migrate)
    if refused:
        return refused
    asyncio.run(poll_once(config, sys.stdout))
    return 0


def _latest(config: "Config", path: Path, args: argparse.Namespace) -> int:
    from bot.app import print_latest

    slugs = [t.slug for t in config.topics]
    if args.topic is not None and args.topic not in slugs:
        print(f"No topic {args.topic!r}; topics: {', '.join(slugs) or 'none configured'}")
        return 2
    refused = _check_schema(config, path, "latest", migrate=args.migrate)
    if refused:
        return refused
    return asyncio.run(
        print_latest(config, [args.topic] if args.topic else slugs, args.n, sys.stdout)
    )


def _import_opml(_config: "Config", path: Path, args: argparse.Namespace) -> int:
    from bot.feed_lists import import_opml

    return import_opml(
        path,
        args.file,
        sys.stdout,
        source_type=args.type,
        language=args.language,
        dry_run=args.dry_run,
    )


def _export_opml(config: "Config", _path: Path, args: argparse.Namespace) -> int:
    from news.opml import write_opml

    text = write_opml(config.feeds)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {len(config.feeds)} feeds to {args.output}")
    return 0


def _run(config: "Config", path: Path, args: argparse.Namespace) -> int:
    from bot.app import run_dry
    from bot.roles import RoleError, parse_roles
    from news.config import TOKEN_ENV

    try:
        roles = parse_roles(args.role)
    except RoleError as error:
        print(f"run: {error}", file=sys.stderr)
        return 2

    # `kill -USR1 <pid>` prints where every thread of a running bot is (stderr must be a
    # file: not so when a test calls main in its own process).
    with contextlib.suppress(AttributeError, ValueError, io.UnsupportedOperation):
        faulthandler.register(signal.SIGUSR1, all_threads=True)

    token = os.environ.get(TOKEN_ENV, "").strip()
    if not token and "poll" not in roles:
        print(f"{TOKEN_ENV} is not set, and without the poll role a dry run has nothing to do.")
        return 2
    refused = _check_schema(config, path, "run", migrate=args.migrate)
    if refused:
        return refused
    if not token:
        asyncio.run(run_dry(config, sys.stdout, f"{TOKEN_ENV} is not set"))
        return 0
    from bot.telegram_app import run_bot

    run_bot(config, token, path, roles)
    return 0


def _check_schema(config: "Config", path: Path, command: str, *, migrate: bool) -> int:
    """Before any command that opens the database: create a new one at the newest schema,
    upgrade an older one only when ``migrate`` (``prepare_schema``), else say in one line
    what to run. Returns the exit code: 0 when the command may go on."""
    from news.store.db import SchemaNotCurrentError, prepare_schema

    try:
        prepare_schema(config.storage.database_url, migrate=migrate)
    except SchemaNotCurrentError as found:
        return _refuse_schema(config, path, found, command)
    return 0


def _refuse_schema(
    config: "Config", path: Path, found: "SchemaNotCurrentError", command: str
) -> int:
    """Say in one line why the database's schema will not do; return ``EXIT_FAILURE``."""
    from bot.failures import EXIT_FAILURE, safe_url
    from news.store.db import SCHEMA_HEAD

    where = safe_url(config.storage.database_url)
    if found.is_behind:
        print(
            f"The database {where} has schema {found.revision}, older than this version's "
            f"{SCHEMA_HEAD}: run `rights-digest db upgrade --config {path}` first (once, "
            f"for every process using it), or start with `rights-digest {command} --migrate`.",
            file=sys.stderr,
        )
    else:
        print(
            f"The database schema {found.revision} is newer than this version of "
            f"rights-digest (head {SCHEMA_HEAD}): upgrade rights-digest, or point it at "
            f"another database (this one is {where}).",
            file=sys.stderr,
        )
    return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
