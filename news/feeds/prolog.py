"""Which documents the fast path may read, and the exact bytes feedparser's parser would see.

feedparser picks a character set by RFC 3023 (HTTP Content-Type, then the XML declaration),
re-encodes the text as UTF-8 under a fresh declaration and strips any DOCTYPE. The fast path
takes a document only when that choice is certain to give the same text as reading the bytes as
UTF-8; otherwise (legacy charsets, UTF-16, a DOCTYPE or entity declarations) it is UnsureError.
"""

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass

from feedparser.encodings import parse_content_type
from feedparser.exceptions import NonXMLContentType

from news.feeds.state import UnsureError

_XML_DECLARATION = re.compile(rb"^<\?xml[^>]*?>")
_DECLARED_ENCODING = re.compile(rb"^<\?.*encoding=['\"](.*?)['\"].*\?>")
_FIRST_ELEMENT = re.compile(rb"<\w")
_NEW_DECLARATION = b"<?xml version='1.0' encoding='utf-8'?>"
# Byte-order marks and "<?" of UTF-16/32 and EBCDIC: feedparser decodes those, this does not.
_WIDE_STARTS = (b"\x00", b"\xff\xfe", b"\xfe\xff", b"\x4c\x6f\xa7\x94", b"<\x00")
# Declared encodings feedparser replaces by the byte-order mark's.
_WIDE_NAMES = frozenset(
    {"u16", "utf-16", "utf16", "utf_16", "u32", "utf-32", "utf32", "utf_32"}
    | {"iso-10646-ucs-2", "iso-10646-ucs-4", "csucs4", "csunicode", "ucs-2", "ucs-4"}
)
_APPLICATION_XML = (
    "application/xml",
    "application/xml-dtd",
    "application/xml-external-parsed-entity",
)
_TEXT_XML = ("text/xml", "text/xml-external-parsed-entity")


@dataclass(frozen=True, slots=True)
class Prolog:
    """The document as the XML parser must read it, and feedparser's complaint about it."""

    data: bytes
    problem: Exception | None


def read_prolog(body: bytes, headers: Mapping[str, str]) -> Prolog:
    """The UTF-8 bytes feedparser's XML parser would read, or UnsureError."""
    if body.startswith(_WIDE_STARTS):
        raise UnsureError("UTF-16, UTF-32 or EBCDIC")
    data = body.removeprefix(codecs.BOM_UTF8)
    declared = _declared_encoding(data, has_bom=len(data) < len(body))
    encoding, problem = rfc3023_encoding(headers, declared)
    data = _as_utf8(data, encoding, from_http=_http_charset(headers) != "")
    start = _FIRST_ELEMENT.search(data)
    head = data[: start.start() + 1] if start else data
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnsureError("a DOCTYPE: feedparser rewrites it")
    declaration = _XML_DECLARATION.match(data)
    if declaration:
        return Prolog(_NEW_DECLARATION + data[declaration.end() :], problem)
    return Prolog(_NEW_DECLARATION + b"\n" + data, problem)


def _declared_encoding(data: bytes, *, has_bom: bool) -> str:
    """The encoding in the XML declaration, lower-cased, as feedparser reads it."""
    if has_bom and not _is_utf8(data):
        raise UnsureError("a UTF-8 byte-order mark on bytes that are not UTF-8")
    match = _DECLARED_ENCODING.match(data)
    declared = match.group(1).decode("utf-8").lower() if match else ""
    return "utf-8" if has_bom and declared in _WIDE_NAMES else declared


def _http_charset(headers: Mapping[str, str]) -> str:
    return str(parse_content_type(headers.get("content-type") or "")[1])


def _as_utf8(data: bytes, encoding: str, *, from_http: bool) -> bytes:
    """``data`` as feedparser decodes it (its first choice must work), encoded as UTF-8.

    A charset from HTTP other than UTF-8, and a document that declares no encoding and is not
    UTF-8, are left to feedparser unless the bytes read the same in UTF-8 anyway.
    """
    try:
        name = codecs.lookup(encoding).name
        text = data.decode(encoding)
    except (UnicodeError, LookupError):  # feedparser tries other encodings: its business
        raise UnsureError(f"cannot decode as {encoding!r}") from None
    if name == "utf-8" or (data.isascii() and text == data.decode("ascii")):
        return data
    if from_http:
        raise UnsureError(f"charset {encoding} from the HTTP header")
    if not _DECLARED_ENCODING.match(data) and not _is_utf8(data):
        raise UnsureError(f"no declared encoding and not UTF-8 (feedparser assumes {encoding})")
    return text.encode("utf-8")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def rfc3023_encoding(headers: Mapping[str, str], declared: str) -> tuple[str, Exception | None]:
    """feedparser's choice of character set, and the NonXMLContentType it records."""
    content_type, charset = parse_content_type(headers.get("content-type") or "")
    acceptable = False
    if content_type in _APPLICATION_XML or (
        content_type.startswith("application/") and content_type.endswith("+xml")
    ):
        acceptable, encoding = True, charset or declared or "utf-8"
    elif content_type in _TEXT_XML or (
        content_type.startswith("text/") and content_type.endswith("+xml")
    ):
        acceptable, encoding = True, charset or "us-ascii"
    elif content_type.startswith("text/"):
        encoding = charset or "us-ascii"
    elif headers and "content-type" not in headers:
        encoding = declared or "iso-8859-1"
    else:
        encoding = declared or "utf-8"
    problem = None
    if headers and not acceptable:
        problem = NonXMLContentType(
            f"{headers['content-type']} is not an XML media type"
            if "content-type" in headers
            else "no Content-type specified"
        )
    return ("gb18030" if encoding.lower() == "gb2312" else encoding), problem
