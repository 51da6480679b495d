"""news.text.entities.unescape must give exactly what html.unescape gives, on any text."""

import html
import random

import pytest

from news.text.entities import _REPLACE, unescape

# Pieces that meet at the edges the shortcut relies on: references with and without ";",
# names that are prefixes of others ("&not" of "&notin;"), a replaced reference right after
# an "&" that is not one, "&amp;" before a reference, numbers past Unicode, bare "&" and "#".
PIECES = (
    "&quot;", "&gt;", "&lt;", "&rsquo;", "&ldquo;", "&rdquo;", "&#8217;", "&nbsp;",
    "&amp;", "&amp", "&gt", "&lt", "&quot", "&nbsp", "&rsquo", "&#8217", "&#x2019;", "&#X41",
    "&not", "&notin;", "&noti", "&copy", "&cop", "&#", "&#;", "&#x;", "&#1114112;", "&#128;",
    "&#0;", "&", "#", ";", "x", "in", "s", "A1", " ", "\t", "\n", "<", "é", "’", "\x00",
    "&#000000065;", "&#x0000000041", "&#1114111", "&#99999999999", "&#x110000;",
    "&#x0000000000000010FFFF", "0", "9", "F",
)  # fmt: skip


def test_the_references_replaced_first_decode_to_one_character_no_name_holds() -> None:
    # What makes replacing them first safe (news/text/entities.py): a name read from an earlier
    # "&" may run on into the character, and must not find a longer known name there.
    for name, char in _REPLACE:
        assert len(char) == 1, name
        assert char not in "&;", name
        assert not (char.isascii() and char.isalnum()), name


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no references at all",
        "Hun Sen&rsquo;s &ldquo;deal&rdquo; &amp; the EU&#8217;s EBA",
        "&amp;quot; stays one level deep",
        "&notin&nbsp;",
        "&lt&quot;",
        "&&gt;",
        "&#&nbsp;",
        "a&b&c&gt;&#38;lt;",
    ],
)
def test_it_decodes_like_the_standard_library(text: str) -> None:
    assert unescape(text) == html.unescape(text)


def test_it_agrees_with_the_standard_library_on_random_runs_of_awkward_pieces() -> None:
    rng = random.Random(6)
    for _ in range(20_000):
        text = "".join(rng.choices(PIECES, k=rng.randint(1, 12)))
        assert unescape(text) == html.unescape(text), text


@pytest.mark.parametrize(("digits", "char"), [("9" * 5000, "\ufffd"), ("0" * 5000 + "65", "A")])
def test_a_reference_with_thousands_of_digits_decodes_instead_of_raising(
    digits: str, char: str
) -> None:
    # html.unescape raises ValueError here (Python reads at most 4,300 decimal digits into an
    # int); hexadecimal ones it reads, and the two agree.
    with pytest.raises(ValueError, match="4300"):
        html.unescape(f"&#{digits};")
    assert unescape(f"a &#{digits}; b") == f"a {char} b"
    hexadecimal = f"&#x{'0' * 5000}41; &#x{'F' * 5000};"
    assert unescape(hexadecimal) == html.unescape(hexadecimal) == "A \ufffd"
