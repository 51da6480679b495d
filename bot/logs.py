"""Logging that never carries message text or the bot token."""

import logging

# These libraries log request URLs (Telegram's contain the token) and, at DEBUG, whole
# requests and responses with message text. Their warnings still come through, redacted.
QUIET = ("httpx", "httpcore", "telegram", "apscheduler", "aiosqlite", "alembic", "hpack")


class RedactToken(logging.Filter):
    """Replaces the bot token wherever it appears in a log record."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.secrets = [s for s in (token, token.partition(":")[2]) if len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[token]")
            record.msg, record.args = message, None
        return True


def configure_logging(*, verbose: bool = False) -> None:
    """Plain lines on stderr; third-party request logging held at WARNING."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


def redact_token(token: str) -> None:
    """Install the token filter on every handler of the root logger."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(RedactToken(token))
