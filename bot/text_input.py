"""Making what users type safe to read and to echo. Pure."""

import html
import unicodedata

MAX_ARGS = 200
ECHO = 40
# Khmer needs the zero-width joiners and spaces; every other format or control character goes.
_KEEP = {"\u200b", "\u200c", "\u200d"}


def clean_args(args: list[str] | None) -> list[str]:
    """Command arguments without control characters, bidi overrides or runaway length."""
    text = " ".join(args or [])[:MAX_ARGS]
    kept = "".join(
        ch
        for ch in text
        if ch in _KEEP or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    return kept.split()


def echo(text: str) -> str:
    """User input quoted back in a reply: shortened and HTML-escaped."""
    text = " ".join(text.split())
    if len(text) > ECHO:
        text = text[: ECHO - 1] + "…"
    return html.escape(text, quote=False)
