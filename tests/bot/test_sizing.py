"""Every message fits: long texts split where a reader expects a break, the markup intact."""

from bot.sizing import split_text, within
from news.delivery.render import plain_text, visible_length
from tests.fakes.telegram import MAX_TEXT_UTF16, render_text

STORY = '<b><a href="https://example.org/{n}">Story {n}</a></b>\nA summary &amp; more. ' * 3


def accepted(part: str, parse_mode: str | None = "HTML") -> int:
    """The part's length as the Bot API stand-in counts it; it raises if Telegram would refuse."""
    return len(render_text(part, parse_mode).text.encode("utf-16-le")) // 2


def test_a_text_that_fits_is_left_as_it_is():
    text = "<b>Short</b>\n\nand sweet"
    assert split_text(text) == [text]


def test_a_long_text_splits_between_paragraphs_and_keeps_every_word():
    blocks = [STORY.format(n=n).strip() for n in range(60)]
    text = "\n\n".join(blocks)
    parts = split_text(text)
    assert len(parts) > 1
    assert all(accepted(part) <= MAX_TEXT_UTF16 for part in parts)
    assert all(part.startswith("<b><a href=") for part in parts)  # a story never cut in two
    assert "\n\n".join(plain_text(p) for p in parts) == plain_text(text)


def test_a_tag_open_across_the_cut_is_closed_and_opened_again():
    body = "\n".join(f"line {n} of the digest, long enough to matter" for n in range(400))
    text = f"New digest\n<tg-spoiler>{body}</tg-spoiler>"
    parts = split_text(text)
    assert len(parts) > 1
    assert all(accepted(part) <= MAX_TEXT_UTF16 for part in parts)
    assert all(part.endswith("</tg-spoiler>") for part in parts)
    assert all(part.startswith("<tg-spoiler>") for part in parts[1:])


def test_lines_count_in_utf16_units_as_telegram_counts_them():
    text = "\n".join("🛑 ស្ដី " * 30 for _ in range(60))  # emoji count twice
    parts = split_text(text)
    assert len(parts) > 1
    assert all(accepted(part) <= MAX_TEXT_UTF16 for part in parts)
    assert [visible_length(p) for p in parts] == [accepted(p) for p in parts]


def test_a_word_longer_than_a_message_is_cut_all_the_same():
    text = "x" * 9000
    parts = split_text(text)
    assert [len(part) for part in parts] == [4096, 4096, 808]


def test_plain_text_is_split_without_reading_markup():
    text = "a < b & c\n" * 1000
    parts = split_text(text, is_html=False)
    assert all(accepted(part, None) <= MAX_TEXT_UTF16 for part in parts)
    assert "\n".join(parts) == text.strip()


def test_within_keeps_what_fits_and_counts_the_rest():
    lines = [f"• Topic {n}: {n}" for n in range(100)]
    kept = within(lines, 100)
    assert kept == [*lines[:6], "…and 94 more"]
    assert visible_length("\n".join(kept)) <= 100
    assert within(lines[:3], 100) == lines[:3]
