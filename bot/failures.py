"""Failures an admin can fix, told in one line: no traceback, never a secret.

A rejected token, an unreachable Bot API, a database that cannot be opened or written: the
command line prints what went wrong and where, and exits with ``EXIT_FAILURE``. PTB's own
message for a rejected token quotes the token, so it is never shown.
"""

import sqlite3

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from telegram.error import InvalidToken, NetworkError

from news.config import TOKEN_ENV, Config
from news.store.claims import OutboxBusyError

EXIT_FAILURE = 3  # 2 is a config error
# Database drivers a URL may name, and what installs each.
DRIVERS = {"asyncpg": "rights-digest[postgres]", "psycopg": "psycopg[binary]"}


def safe_url(url: str) -> str:
    """A database URL with its password masked, for anything printed or logged."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(a database URL that cannot be read)"


def describe_failure(error: BaseException, config: Config) -> str | None:
    """One line for a failure of the machine or the settings, or None for a bug."""
    database = safe_url(config.storage.database_url)
    api = config.telegram.api_base_url
    if isinstance(error, InvalidToken):
        return (
            f"Telegram rejected the bot token in {TOKEN_ENV}. Check the token, and that "
            f"telegram.api_base_url ({api}) is the Bot API's address with no path after it."
        )
    if isinstance(error, NetworkError):
        return f"Cannot reach the Telegram Bot API at {api}: {_first_line(error)}."
    if isinstance(error, NoSuchModuleError | ArgumentError):
        return f"storage.database_url is not a database URL this bot can open: {database}."
    if isinstance(error, ModuleNotFoundError) and error.name in DRIVERS:
        return (
            f"The database {database} needs the {error.name} driver, which is not installed: "
            f"pip install '{DRIVERS[error.name]}'."
        )
    if isinstance(error, OutboxBusyError):
        return (
            f"Another process is already sending from the database {database}: a SQLite file "
            "takes one sender. Stop the other one, or move to PostgreSQL to run several."
        )
    if isinstance(error, DBAPIError):
        return f"Cannot use the database {database}: {_first_line(error.orig or error)}."
    if isinstance(error, sqlite3.Error):
        return f"Cannot use the database {database}: {_first_line(error)}."
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"Cannot start: {error.strerror or error}{where}."
    return None


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0].rstrip(".")
