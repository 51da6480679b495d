"""news.entities.unescape must give exactly what html.unescape gives, on any text."""

import html
import random

import pytest

from news.entities import _REPLACE, unescape

# Pieces that meet at the edges the shortcut relies on: references with and without ";",
# names that are prefixes of others ("&not" of "&notin;"), a replaced reference right after
# an "&" that is not one, "&amp;" before a reference, numbers past Unicode, bare "&" and "#".
PIECES = (
    "&quot;", "&gt;", "&lt;", "&rsquo;", "&ldquo;", "&rdquo;", "&#8217;", "&nbsp;",
    "&amp;", "&amp", "&gt", "&lt", "&quot", "&nbsp", "&rsquo", "&#8217", "&#x2019;", "&#X41",
    "&not", "&notin;", "&noti", "&copy", "&cop", "&#", "&#;", "&#x;", "&#1114112;", "&#128;",
    "&#0;", "&", "#", ";", "x", "in", "s", "A1", " ", "\t", "\n", "<", "é", "’", "\x00",
)  # fmt: skip


def test_the_references_replaced_first_decode_to_one_character_no_name_holds() -> None:
    # What makes replacing them first safe (news/entities.py): a name read from an earlier
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
