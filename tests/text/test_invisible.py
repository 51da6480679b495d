"""Hidden characters in feed text: what goes, what becomes a space, what stays."""

import pytest

from news.text.invisible import drop_invisible

KHMER_WORDS = "សិទ្ធិ\u200bមនុស្ស"  # "human rights", two words and the ZWSP between them


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("\u202egnp.exe", "gnp.exe", id="right-to-left-override"),
        pytest.param("a\u202a\u202b\u202c\u202d\u202eb", "ab", id="embeddings-and-overrides"),
        pytest.param("a\u2066\u2067\u2068\u2069b", "ab", id="isolates"),
        pytest.param("a\u206a\u206eb", "ab", id="deprecated-format-controls"),
        pytest.param("\ufeffTitle\u2060", "Title", id="bom-and-word-joiner"),
        pytest.param("a\x00b\x07c\x1bd\x7fe", "abcde", id="c0-and-delete"),
        pytest.param("a\x80b\x9fc", "abc", id="c1"),
        pytest.param("a\x85b\u2028c\u2029d\x0be\x0cf\x1fg", "a b c d e f g", id="separators"),
        pytest.param("one\r\ntwo\rthree", "one\ntwo\nthree", id="carriage-returns"),
        pytest.param("tab\tand\nline", "tab\tand\nline", id="tab-and-newline-stay"),
        pytest.param("Cam\u200bbodia \u200b", "Cambodia ", id="zwsp-in-latin"),
        pytest.param(KHMER_WORDS, KHMER_WORDS, id="zwsp-between-khmer-words"),
        pytest.param("សិទ្ធិ\u200b\u200b\u200bមនុស្ស", KHMER_WORDS, id="khmer-zwsp-run"),
        pytest.param("\u200bសិទ្ធិ\u200b", "សិទ្ធិ", id="khmer-zwsp-at-the-ends"),
        pytest.param("ក\u200b ខ", "ក ខ", id="khmer-zwsp-before-a-space"),
        pytest.param("ไทย\u200bภาษา", "ไทย\u200bภาษา", id="thai-zwsp"),
        pytest.param("می\u200cخواهم", "می\u200cخواهم", id="persian-zwnj-stays"),
        pytest.param("👩\u200d💻", "👩\u200d💻", id="emoji-zwj-stays"),
        pytest.param("(\u200fעברית\u200e)", "(\u200fעברית\u200e)", id="weak-marks-stay"),
        pytest.param("plain text", "plain text", id="nothing-to-do"),
    ],
)
def test_hidden_characters(text, expected):
    assert drop_invisible(text) == expected


def test_megabyte_runs_of_hidden_characters_go_in_one_pass():
    for hostile in ("\u202e" * 1_000_000, "ក" + "\u200b" * 1_000_000 + "ខ", "\u200bក" * 500_000):
        assert len(drop_invisible(hostile)) <= 1_000_000
    assert drop_invisible("ក" + "\u200b" * 1_000_000 + "ខ") == "ក\u200bខ"
