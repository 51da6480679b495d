"""The one key a configured term and a story's text are compared on. Pure.

Both the config's checks (``news.topics.config``: two spellings of one term are one term) and
the matcher (``news.topics.compile``, ``news.topics.story``) need it, so it lives below them.
"""

from news.topics.khmer import matching_key

# Typographic apostrophes and quotes fold to ASCII so "EU’s" and "EU's" are one spelling.
# (str.replace, not str.translate: translate is ~50x slower on non-ASCII text.)
_QUOTES = (("\u2019", "'"), ("\u2018", "'"), ("\u02bc", "'"), ("\u201c", '"'), ("\u201d", '"'))


def term_key(text: str) -> str:
    """The matching key of a term or of story text: Khmer-folded (``matching_key``) with
    typographic apostrophes as ASCII. Two terms with one key are the same term."""
    key = matching_key(text)
    if not key.isascii():
        for typographic, ascii_mark in _QUOTES:
            key = key.replace(typographic, ascii_mark)
    return key
