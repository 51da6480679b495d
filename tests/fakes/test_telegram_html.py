"""Tests of the fake Bot API's HTML and content rules, without HTTP."""

from __future__ import annotations

import pytest

from tests.fakes.telegram import (
    HtmlError,
    RuleError,
    bot_command_entities,
    check_commands,
    parse_html,
    render_text,
)


def test_parse_html_nested_tags_and_entities() -> None:
    parsed = parse_html("<b>bold <i>both</i></b> &lt;tag&gt; &#169; &#x1F600; &quot;q&quot;")
    assert parsed.text == 'bold both <tag> © 😀 "q"'
    assert parsed.entities == (
        {"type": "bold", "offset": 0, "length": 9},
        {"type": "italic", "offset": 5, "length": 4},
    )


def test_parse_html_offsets_are_utf16() -> None:
    parsed = parse_html("😀 <u>x</u>")
    assert parsed.entities == ({"type": "underline", "offset": 3, "length": 1},)


def test_parse_html_all_supported_tags() -> None:
    html = (
        "<strong>a</strong><em>b</em><ins>c</ins><s>d</s><strike>e</strike><del>f</del>"
        '<span class="tg-spoiler">g</span><tg-spoiler>h</tg-spoiler><code>i</code>'
        '<pre><code class="language-python">j</code></pre><pre>k</pre>'
        "<blockquote>l</blockquote><blockquote expandable>m</blockquote>"
        '<a href="tg://user?id=5">n</a><tg-emoji emoji-id="5368324170671202286">o</tg-emoji>'
    )
    parsed = parse_html(html)
    assert parsed.text == "abcdefghijklmno"
    kinds = [e["type"] for e in parsed.entities]
    assert kinds == [
        "bold", "italic", "underline", "strikethrough", "strikethrough", "strikethrough",
        "spoiler", "spoiler", "code", "pre", "pre", "blockquote", "expandable_blockquote",
        "text_mention", "custom_emoji",
    ]  # fmt: skip
    assert parsed.entities[9].get("language") == "python"
    assert "language" not in parsed.entities[10]


@pytest.mark.parametrize(
    ("html", "reason", "offset"),
    [
        ("<div>x</div>", 'Unsupported start tag "div"', 0),
        ("é<br>", 'Unsupported start tag "br"', 2),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"', 0),
        ("<b><i>x</b></i>", "Unmatched end tag", 7),
        ("x</i>", "Unexpected end tag", 1),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"', 0),
        ("<b", "Unclosed start tag", 0),
        ("a &nbsp; b", 'Unsupported HTML entity "&nbsp;"', 2),
        ("AT&T", "Character '&' is reserved: escape it as &amp;", 2),
        ("a <= b", "Character '<' is reserved: escape it as &lt;", 2),
        ('<a href="ftp://x.org/f">f</a>', 'Unsupported URL "ftp://x.org/f" in the tag "a"', 0),
        ('<tg-emoji emoji-id="abc">x</tg-emoji>', "Invalid custom emoji identifier specified", 0),
    ],
)
def test_parse_html_rejects(html: str, reason: str, offset: int) -> None:
    with pytest.raises(HtmlError) as caught:
        parse_html(html)
    assert (caught.value.reason, caught.value.byte_offset) == (reason, offset)
    assert caught.value.description.startswith(f"can't parse entities: {reason} at byte offset")


def test_lenient_html_behaves_like_telegram() -> None:
    parsed = parse_html('AT&T &nbsp; <a href="javascript:x()">link</a>', strict=False)
    assert parsed.text == "AT&T &nbsp; link"
    assert parsed.entities == ()  # Telegram drops a link it does not accept


def test_render_text_trims_and_moves_entities() -> None:
    rendered = render_text("  <b>hi</b>  ", "HTML")
    assert (rendered.text, rendered.entities) == (
        "hi",
        ({"type": "bold", "offset": 0, "length": 2},),
    )
    with pytest.raises(RuleError, match="unsupported parse_mode"):
        render_text("x", "RTF")


def test_bot_command_entities() -> None:
    assert bot_command_entities("/start") == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert bot_command_entities("😀 /help@some_bot x") == [
        {"type": "bot_command", "offset": 3, "length": 14}
    ]
    assert bot_command_entities("a/b and /über") == []


def test_check_commands_limits() -> None:
    assert check_commands([{"command": "latest", "description": "News"}]) == [
        {"command": "latest", "description": "News"}
    ]
    for bad in (
        [{"command": "x" * 33, "description": "d"}],
        [{"command": "ok", "description": "d" * 257}],
    ):
        with pytest.raises(RuleError):
            check_commands(bad)
