"""Recognising feeds, JSON and web pages from their first bytes."""

import pytest

from news.fetch.sniff import BodyKind, challenge_hint, sniff_body


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (b'<?xml version="1.0"?><rss version="2.0"></rss>', BodyKind.XML),
        (
            b"\xef\xbb\xbf<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'/>",
            BodyKind.XML,
        ),
        (b"\n\n<?xml version='1.0'?><rdf:RDF></rdf:RDF>", BodyKind.XML),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', BodyKind.JSON),
        (b"<!DOCTYPE html><html><head><title>Just a moment...</title>", BodyKind.HTML),
        (b"<!-- cached --><html lang='en'><body>Error</body></html>", BodyKind.HTML),
        (b"   \n  ", BodyKind.EMPTY),
        ("<rss/>".encode("utf-16"), BodyKind.XML),
        (b"hello", BodyKind.UNKNOWN),
    ],
)
def test_sniff_body(body, kind):
    assert sniff_body(body) == kind


def test_an_html_page_that_embeds_the_word_rss_in_its_head_is_still_html():
    page = b"<!doctype html><html><head><link rel='alternate' type='application/rss+xml'>"
    assert sniff_body(page) == BodyKind.HTML


def test_challenge_hints():
    assert challenge_hint({"cf-mitigated": "challenge"}, b"") is not None
    assert challenge_hint({}, b"<title>Attention Required! | Cloudflare</title>") is not None
    assert challenge_hint({}, b"<html><body>Server error</body></html>") is None
