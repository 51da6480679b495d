"""Recognising what a response body is before handing it to a feed parser. Pure."""

import re
from collections.abc import Mapping
from enum import StrEnum


class BodyKind(StrEnum):
    """What a body looks like from its first bytes."""

    XML = "xml"
    JSON = "json"
    HTML = "html"
    EMPTY = "empty"
    UNKNOWN = "unknown"


_HTML_START = re.compile(
    rb"^(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
_FEED_ROOT = re.compile(rb"<(?:[a-z0-9_]+:)?(?:rss|feed|rdf)[\s>]", re.I)
# Phrases and headers of anti-bot walls (Cloudflare, Sucuri, DDoS-Guard, generic captchas).
_CHALLENGE_TEXT = re.compile(
    rb"just a moment\.\.\.|checking your browser|cf-chl-|challenge-platform|attention required"
    rb"|ddos protection|ddos-guard|captcha|are you a robot|enable javascript and cookies"
    rb"|sucuri website firewall|access denied",
    re.I,
)
_UTF16_32_BOMS = (b"\xff\xfe", b"\xfe\xff")


def sniff_body(body: bytes, content_type: str = "") -> BodyKind:
    """Classify ``body``; the bytes win over a Content-Type that is often wrong."""
    head = body[:4096]
    if head.startswith(_UTF16_32_BOMS) or head[:1] == b"\x00" or head[1:2] == b"\x00":
        return BodyKind.XML  # wide encodings: only XML feeds come this way
    stripped = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not stripped:
        return BodyKind.EMPTY
    if stripped[:1] in (b"{", b"["):
        return BodyKind.JSON
    if _FEED_ROOT.search(head):
        return BodyKind.XML
    if _HTML_START.match(stripped):
        return BodyKind.HTML
    if stripped.startswith(b"<"):
        return BodyKind.XML
    if "json" in content_type.lower():
        return BodyKind.JSON
    return BodyKind.UNKNOWN


def challenge_hint(headers: Mapping[str, str], body_start: bytes) -> str | None:
    """A human reason when a response looks like an anti-bot wall, else None."""
    if headers.get("cf-mitigated", "").lower() == "challenge":
        return "Cloudflare challenge page (cf-mitigated: challenge); ask the publisher to allow us"
    if _CHALLENGE_TEXT.search(body_start[:65536]):
        return "an anti-bot or captcha page instead of the feed; ask the publisher to allow us"
    return None
