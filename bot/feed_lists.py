"""``rights-digest import-opml``: feeds from a feed reader's export into the config file.

The file is rewritten only when the result validates as a whole config, and atomically: a
half-written config would stop the bot at its next start.
"""

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from news.config import ConfigError, parse_config
from news.opml import Merge, OpmlError, add_feeds, read_opml

EXAMPLE = "config.example.toml"


def import_opml(
    config_path: Path,
    opml: Path,
    out: TextIO,
    *,
    source_type: str,
    language: str,
    dry_run: bool,
) -> int:
    """Add the list's new feeds to ``config_path``; 0 when done, 2 with a message if not."""
    if config_path.name == EXAMPLE:
        out.write(f"Not imported: copy {EXAMPLE} to config.toml first; I edit that one.\n")
        return 2
    try:
        feeds = read_opml(opml.read_bytes())
        note = (
            f"Imported from {opml.name} on {datetime.now(UTC):%Y-%m-%d}: "
            "check each feed's type and language."
        )
        merge = add_feeds(
            config_path.read_text(encoding="utf-8"),
            feeds,
            source_type=source_type,
            language=language,
            note=note,
        )
        parse_config(
            tomllib.loads(merge.text),
            base_dir=config_path.parent,
            environ=os.environ,
            source=f"{config_path} with {opml.name}'s feeds",
        )
    except (OSError, OpmlError, ConfigError) as error:
        out.write(f"Not imported: {error}\n")
        return 2
    _report(merge, config_path, out, dry_run=dry_run)
    if merge.added and not dry_run:
        _replace(config_path, merge.text)
    return 0


def _report(merge: Merge, config_path: Path, out: TextIO, *, dry_run: bool) -> None:
    verb = "Would add" if dry_run else "Added"
    lines = [f"{verb} {len(merge.added)} feed(s) to {config_path}:"]
    lines += [f"  + {feed.name}  {feed.url}" for feed in merge.added]
    lines += [f"  = {feed.name}  {feed.url}  ({why})" for feed, why in merge.skipped]
    if merge.added and not dry_run:
        lines.append("Send /reload to the bot (or restart it) to start polling them.")
    out.write("\n".join(lines) + "\n")


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.importing")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(path.stat().st_mode & 0o777)
    temporary.replace(path)
