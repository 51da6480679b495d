"""What counts as a word's letter, in text and in UTF-8: the edges and runs that compiling,
screening and matching all compare, defined once so the three agree."""

import re
import string

# A word character that is not Khmer: what may not touch an ordinary term.
LATIN_WORD = re.compile("[^\\W\u1780-\u17ff\u19e0-\u19ff]")
ASCII_ALNUM = frozenset(string.ascii_letters + string.digits)
ALNUM_BYTES = frozenset(map(ord, ASCII_ALNUM))
# Keeps ASCII letters and digits and turns every other byte into a space (in UTF-8 every byte of
# a non-ASCII character is >= 0x80), so splitting the result gives the [A-Za-z0-9] runs.
_TO_RUNS = bytes(byte if chr(byte) in ASCII_ALNUM else ord(" ") for byte in range(256))
# Khmer (U+1780-U+17FF) starts E1 9E or E1 9F in UTF-8; E1 A7 covers U+19C0-U+19FF, Khmer
# symbols and a neighbour. The test may say "Khmer" wrongly, never "no Khmer" wrongly.
KHMER_UTF8 = (b"\xe1\x9e", b"\xe1\x9f", b"\xe1\xa7")


def utf8(text: str) -> bytes:
    """``text`` in UTF-8. surrogatepass: a lone surrogate from a JSON feed must not crash
    matching."""
    return text.encode("utf-8", "surrogatepass")


def ascii_runs(data: bytes) -> frozenset[bytes]:
    """The runs of ASCII letters and digits in ``data``: a term's probe must be one of them."""
    return frozenset(data.translate(_TO_RUNS).split())


def has_khmer_bytes(data: bytes) -> bool:
    """Whether UTF-8 ``data`` may hold Khmer; never False when it does."""
    # b"\xe1" first: most non-ASCII in a story is punctuation (E2 ...), and one byte is a memchr.
    return b"\xe1" in data and any(marker in data for marker in KHMER_UTF8)
