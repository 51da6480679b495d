"""Telegram's HTML parse mode, re-implemented for the fake Bot API.

The rules follow what Telegram's own parser does (tags, attributes, entities, byte offsets in
error messages). One deliberate difference, on by default (``strict=True``): a bare ``&`` or an
unknown named entity such as ``&nbsp;`` is an error. Telegram shows those literally, which hides
a missing ``html.escape``; ``strict=False`` behaves like Telegram.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.telegram.entities import ampersand_reason, decode_entity
from tests.fakes.telegram.errors import RuleError

Entity = dict[str, Any]

SPACES = " \t\r\n\v\f"
_SIMPLE_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_TAGS = {*_SIMPLE_TAGS, "a", "tg-emoji", "code", "pre", "blockquote"}


class HtmlError(RuleError):
    """An HTML parse-mode error, worded like Telegram's "can't parse entities" errors."""

    def __init__(self, reason: str, byte_offset: int, detail: str = "") -> None:
        super().__init__(f"can't parse entities: {reason} at byte offset {byte_offset}{detail}")
        self.reason = reason
        self.byte_offset = byte_offset


@dataclass(frozen=True)
class Parsed:
    """Visible text and its MessageEntity dicts (offsets in UTF-16 code units)."""

    text: str
    entities: tuple[Entity, ...] = ()


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (astral characters count twice)."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def parse_html(source: str, *, strict: bool = True) -> Parsed:
    """Parse Telegram HTML into visible text and entities, or raise HtmlError."""
    return _HtmlParser(source, strict).parse()


def check_link(url: str, *, strict: bool) -> str | None:
    """Return the URL Telegram would keep for ``<a href>``, or None when it drops the link."""
    url = url.strip()
    scheme, colon, rest = url.partition(":")
    scheme = scheme.lower()
    if colon and scheme in ("http", "https") and rest.startswith("//") and len(rest) > 2:
        return url
    if colon and scheme == "tg" and rest:
        return url
    if not strict and not colon and "." in url and " " not in url:
        return f"http://{url}"  # Telegram assumes http for a bare host name
    return None


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    offset: int  # UTF-16 offset of the entity's first character
    text_index: int  # index into the output pieces, to recover the text of <a> without href
    pos: int  # character index of "<" in the source, for error offsets


@dataclass
class _HtmlParser:
    src: str
    strict: bool
    out: list[str] = field(default_factory=list)
    utf16: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)

    def parse(self) -> Parsed:
        i, n = 0, len(self.src)
        while i < n:
            char = self.src[i]
            if char == "&":
                i = self._ampersand(i)
            elif char == "<":
                i = self._end_tag(i) if self.src.startswith("</", i) else self._start_tag(i)
            else:
                self._emit(char)
                i += 1
        if self.stack:
            top = self.stack[-1]
            self._fail(f'Can\'t find end tag corresponding to start tag "{top.tag}"', top.pos)
        for entity in self.entities:
            if entity["type"] == "code":
                entity.pop("language", None)  # a language only counts inside <pre>
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return Parsed("".join(self.out), tuple(self.entities))

    def _fail(self, reason: str, pos: int, detail: str = "") -> None:
        raise HtmlError(reason, len(self.src[:pos].encode("utf-8", "surrogatepass")), detail)

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.utf16 += utf16_len(text)

    def _ampersand(self, i: int) -> int:
        decoded, end = decode_entity(self.src, i)
        if decoded is not None:
            if 0xD800 <= ord(decoded) <= 0xDFFF:
                self._fail("Text contains invalid Unicode characters (a lone surrogate)", i)
            self._emit(decoded)
            return end
        if self.strict:
            self._fail(ampersand_reason(self.src, i), i)
        self._emit("&")
        return i + 1

    def _start_tag(self, begin: int) -> int:
        src, n = self.src, len(self.src)
        i = begin + 1
        while i < n and src[i] not in SPACES and src[i] != ">":
            i += 1
        name = src[begin + 1 : i].lower()
        if not (name[:1].isascii() and name[:1].isalpha()):  # "a < b", "<3", "<=": not a tag
            self._fail("Character '<' is reserved: escape it as &lt;", begin)
        if i >= n:
            self._fail("Unclosed start tag", begin)
        if name not in _TAGS:
            self._fail(f'Unsupported start tag "{name}"', begin)
        i, argument = self._attributes(name, i, begin)
        if name == "span" and argument != "spoiler":
            self._fail('Tag "span" must have class "tg-spoiler"', begin)
        self.stack.append(_Open(name, argument, self.utf16, len(self.out), begin))
        return i + 1

    def _attributes(self, tag: str, i: int, begin: int) -> tuple[int, str]:
        """Read attributes up to ">"; return its index and the argument the tag keeps."""
        src, n = self.src, len(self.src)
        argument = ""
        while True:
            while i < n and src[i] in SPACES:
                i += 1
            if i >= n:
                self._fail(f'Unclosed start tag "{tag}"', begin)
            if src[i] == ">":
                return i, argument
            start = i
            while i < n and src[i] not in SPACES and src[i] not in "=>":
                i += 1
            name = src[start:i]
            while i < n and src[i] in SPACES:
                i += 1
            if tag == "blockquote" and name == "expandable" and (i >= n or src[i] != "="):
                argument = "expandable"
                continue
            if i >= n or src[i] != "=":
                reason = f'Expected equal sign in declaration of an attribute of the tag "{tag}"'
                self._fail(reason, begin)
            i, value = self._attribute_value(tag, i + 1, begin)
            argument = _tag_argument(tag, name, value, argument)

    def _attribute_value(self, tag: str, i: int, begin: int) -> tuple[int, str]:
        src, n = self.src, len(self.src)
        while i < n and src[i] in SPACES:
            i += 1
        if i >= n:
            self._fail(f'Unclosed start tag "{tag}"', begin)
        if src[i] not in "'\"":
            start = i
            while i < n and ((src[i].isascii() and src[i].isalnum()) or src[i] in ".-"):
                i += 1
            if i < n and src[i] not in SPACES and src[i] != ">":
                self._fail("Unexpected end of name token", start)
            return i, src[start:i].lower()
        quote, value = src[i], []
        i += 1
        while i < n and src[i] != quote:
            if src[i] == "&":
                decoded, end = decode_entity(src, i)
                if decoded is None and self.strict:
                    self._fail(ampersand_reason(src, i), i)
                value.append(decoded if decoded is not None else "&")
                i = end if decoded is not None else i + 1
            else:
                value.append(src[i])
                i += 1
        if i >= n:
            self._fail(f'Unclosed start tag "{tag}"', begin)
        return i + 1, "".join(value)

    def _end_tag(self, begin: int) -> int:
        src, n = self.src, len(self.src)
        if not self.stack:
            self._fail("Unexpected end tag", begin)
        i = begin + 2
        while i < n and src[i] not in SPACES and src[i] != ">":
            i += 1
        name = src[begin + 2 : i].lower()
        while i < n and src[i] in SPACES:
            i += 1
        if i >= n or src[i] != ">":
            self._fail("Unclosed end tag", begin)
        top = self.stack[-1]
        if name and name != top.tag:
            self._fail("Unmatched end tag", begin, f', expected "</{top.tag}>", found "</{name}>"')
        self.stack.pop()
        if self.utf16 > top.offset:
            self._close(top, begin)
        return i + 1

    def _close(self, top: _Open, end_pos: int) -> None:
        """Turn a closed, non-empty tag into an entity."""
        span: Entity = {"offset": top.offset, "length": self.utf16 - top.offset}
        if top.tag in _SIMPLE_TAGS:
            self.entities.append({"type": _SIMPLE_TAGS[top.tag], **span})
        elif top.tag == "blockquote":
            kind = "expandable_blockquote" if top.argument == "expandable" else "blockquote"
            self.entities.append({"type": kind, **span})
        elif top.tag == "tg-emoji":
            if not top.argument.isdigit() or int(top.argument) == 0:
                self._fail("Invalid custom emoji identifier specified", top.pos)
            self.entities.append({"type": "custom_emoji", **span, "custom_emoji_id": top.argument})
        elif top.tag == "a":
            self._close_link(top, span)
        else:
            self._close_code(top, span)

    def _close_link(self, top: _Open, span: Entity) -> None:
        url = top.argument or "".join(self.out[top.text_index :])
        user = re.fullmatch(r"tg://user\?id=(\d+)", url.strip())
        if user:
            who = {"id": int(user[1]), "is_bot": False, "first_name": "User"}
            self.entities.append({"type": "text_mention", **span, "user": who})
            return
        checked = check_link(url, strict=self.strict)
        if checked is None:
            if self.strict:
                self._fail(f'Unsupported URL "{url}" in the tag "a"', top.pos)
            return  # Telegram drops the link and keeps the text
        self.entities.append({"type": "text_link", **span, "url": checked})

    def _close_code(self, top: _Open, span: Entity) -> None:
        last = self.entities[-1] if self.entities else None
        same_span = last is not None and all(last[k] == span[k] for k in ("offset", "length"))
        if top.tag == "pre" and same_span and last is not None and last["type"] == "code":
            # <pre><code class="language-x">: one pre entity, with the language if any.
            self.entities[-1] = {"type": "pre", **span, **_language(last.get("language"))}
        elif top.tag == "pre":
            self.entities.append({"type": "pre", **span})
        else:
            # The language stays only until an enclosing <pre> of the same span claims it.
            self.entities.append({"type": "code", **span, **_language(top.argument)})


def _language(value: str | None) -> dict[str, str]:
    return {"language": value} if value else {}


def _tag_argument(tag: str, name: str, value: str, current: str) -> str:
    """The one attribute each tag keeps, as Telegram's parser does; others are ignored."""
    if tag == "a" and name == "href":
        return value
    if tag == "code" and name == "class" and value.startswith("language-"):
        return value.removeprefix("language-")
    if tag == "span" and name == "class" and value.startswith("tg-"):
        return value.removeprefix("tg-")
    if tag == "tg-emoji" and name == "emoji-id":
        return value
    return current
