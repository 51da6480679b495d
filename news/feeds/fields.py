"""An item's body and authors as their feed declared them, whichever parser read the item.

Bodies go on as HTML: an HTML or XHTML value as it is, plain text escaped so that extraction
(``news.text``) decodes it exactly once and keeps "<blink>" as text, a binary value (an image
sent as base64) not at all. Authors are names: entities decoded once, tags and e-mail
addresses dropped, whitespace folded.
"""

import re
from html import escape
from typing import Any

from news.feeds.state import HTML_TYPES
from news.text.extract import html_to_text

_EMAIL = r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_EMAILS = re.compile(rf"\(\s*{_EMAIL}\s*\)|<\s*{_EMAIL}\s*>|{_EMAIL}")


def as_html(value: str, content_type: str) -> str | None:
    """``value`` as HTML, given its MIME type; None when it is not text at all."""
    content_type = content_type.lower()
    if not content_type or content_type in HTML_TYPES:  # no type: feeds mean HTML
        return value
    if content_type.startswith("text/") or content_type.endswith(("/xml", "+xml")):
        return escape(value, quote=False)
    return None


def text_as_html(text: object) -> str:
    """Plain text as HTML paragraphs, one per line (JSON Feed's ``content_text``)."""
    if not isinstance(text, str):
        return ""
    lines = (line for line in text.splitlines() if line.strip())
    return "".join(f"<p>{escape(line, quote=False)}</p>" for line in lines)


def xml_body(entry: Any) -> str:
    """The fullest body the item has (content:encoded, Atom content, else the summary), as HTML.

    A summary that feedparser copied from the content has no detail of its own: it takes the
    type of that content.
    """
    contents = [
        (c["value"], c.get("type") or "") for c in entry.get("content", []) if c.get("value")
    ]
    summary = entry.get("summary") or ""
    if summary:
        detail = dict.get(entry, "summary_detail") or {}
        if detail.get("value") == summary:
            kind = detail.get("type") or ""
        else:
            kind = next((t for v, t in contents if v == summary), "text/html")
        contents.append((summary, kind))
    readable = [(value, html) for value, kind in contents if (html := as_html(value, kind))]
    return max(readable, key=lambda pair: len(pair[0]), default=("", ""))[1]


def xml_authors(entry: Any) -> tuple[str, ...]:
    """Every author's name (RSS author, Dublin Core creators, Atom and iTunes authors)."""
    people = entry.get("authors") or [{"name": entry.get("author")}]
    return tuple(n for n in (author_name(p.get("name")) for p in people if p) if n)


def json_authors(item: dict[str, Any]) -> tuple[str, ...]:
    """JSON Feed 1.1 ``authors``, else 1.0 ``author``: each a name."""
    people = item.get("authors")
    if not isinstance(people, list):
        people = [item.get("author")]
    names = (author_name(p.get("name") if isinstance(p, dict) else p) for p in people)
    return tuple(n for n in names if n)


def author_name(raw: object) -> str | None:
    """A name as a reader sees it: "jane@example.org (Jane Doe)" and "<b>Jane</b>  Doe" give
    "Jane Doe", "O&#8217;Brien" (escaped twice in the document) gives "O’Brien"."""
    if not isinstance(raw, str):
        return None
    name = " ".join((html_to_text(raw) if "<" in raw or "&" in raw else raw).split())
    if "@" in name:
        name = " ".join(_EMAILS.sub(" ", name).split())
        if name.startswith("(") and name.endswith(")"):
            name = name[1:-1].strip()
    return name or None
