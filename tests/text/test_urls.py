"""Canonical links, dedupe keys, redirect unwrapping and BHRRC context anchors."""

import pytest

from news.text.urls import (
    canonical_url,
    is_google_news,
    is_http_url,
    split_context_anchor,
    unwrap_redirect,
    url_key,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.cambojanews.example/story", True),
        ("HTTP://Example.org", True),
        ("  https://example.org/a  ", True),
        ("javascript:alert(1)", False),
        ("data:text/html;base64,PHNjcmlwdD4=", False),
        ("mailto:editor@example.org", False),
        ("/en/latest-news/story/", False),
        ("//example.org/no-scheme", False),
        ("http://", False),
        ("ftp://example.org/file", False),
        ("https://[::1", False),
        ("", False),
    ],
)
def test_is_http_url(url, expected):
    assert is_http_url(url) == expected


def test_canonical_url_drops_tracking_keeps_other_parameters_in_order():
    url = (
        "HTTPS://News.Example.ORG:443/Politics/Story?id=7&utm_source=alert&b=2"
        "&fbclid=IwAR0x&UTM_Campaign=weekly&gclid=abc&mc_cid=1&mc_eid=2&a=1#comments"
    )
    assert canonical_url(url) == "https://news.example.org/Politics/Story?id=7&b=2&a=1"


def test_canonical_url_drops_credentials():
    url = "https://reader:pa55word@Example.org:8443/en/story?id=4"
    assert canonical_url(url) == "https://example.org:8443/en/story?id=4"
    assert canonical_url("http://only-a-name@example.org/") == "http://example.org/"


def test_canonical_url_drops_default_port_only():
    assert canonical_url("http://example.org:80/a") == "http://example.org/a"
    assert canonical_url("http://example.org:8080/a") == "http://example.org:8080/a"
    assert canonical_url("https://[2001:db8::1]:443/x") == "https://[2001:db8::1]/x"


def test_canonical_url_fragment_is_never_kept():
    assert canonical_url("https://example.org/en/story#c200383") == "https://example.org/en/story"


def test_canonical_url_with_only_tracking_parameters_has_no_query():
    assert canonical_url("https://example.org?utm_source=x&igshid=y") == "https://example.org/"


def test_canonical_url_normalises_percent_escapes():
    assert canonical_url("https://example.org/%7euser/a%2fb") == "https://example.org/~user/a%2Fb"


def test_canonical_url_is_idempotent():
    url = "https://www.google.com/url?q=https://Example.org/a/?x=1%26utm_medium%3Dmail&sa=U"
    once = canonical_url(url)
    assert (once, canonical_url(once)) == ("https://example.org/a/?x=1", once)


def test_canonical_url_leaves_other_schemes_alone():
    assert canonical_url(" mailto:editor@example.org ") == "mailto:editor@example.org"


def test_google_alerts_link_is_unwrapped_and_cleaned():
    alert = (
        "https://www.google.com/url?rct=j&sa=t&url=https://www.cambojanews.example/"
        "national/union-leader-bailed%3Futm_source%3Dgoogle%26page%3D2&ct=ga&cd=CAEYACoTNjI"
        "&usg=AOvVaw1x"
    )
    assert unwrap_redirect(alert) == (
        "https://www.cambojanews.example/national/union-leader-bailed?utm_source=google&page=2"
    )
    assert canonical_url(alert) == (
        "https://www.cambojanews.example/national/union-leader-bailed?page=2"
    )


def test_google_search_redirect_with_q_is_unwrapped():
    link = "https://www.google.co.uk/url?q=https://example.org/report&sa=U&ved=2ahUKE"
    assert unwrap_redirect(link) == "https://example.org/report"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.google.com/url?q=javascript:alert(1)",
        "https://www.google.com/search?q=https://example.org/",
        "https://notgoogle.example/url?url=https://example.org/",
        "https://example.org/url?url=https://example.org/",
    ],
)
def test_only_google_redirects_to_http_targets_are_unwrapped(url):
    assert unwrap_redirect(url) == url


def test_google_news_links_are_recognised_and_left_alone():
    link = "https://news.google.com/rss/articles/CBMiWmh0dHBzOi8vd3d3LmV4YW1wbGUub3Jn?oc=5"
    assert (is_google_news(link), canonical_url(link)) == (True, link)
    assert is_google_news("https://news.google.com/topstories") is False
    assert is_google_news("https://example.org/rss/articles/1") is False


def test_url_key_folds_variants_of_one_story():
    variants = [
        "https://example.org/news/rights/story",
        "http://example.org/news/rights/story",
        "https://www.example.org/news/rights/story/",
        "https://EXAMPLE.org:443/news/rights/story#comments",
        "https://example.org/news/rights/story/index.html",
        "https://example.org/news/rights/story/amp/",
        "https://www.example.org/amp/news/rights/story?utm_source=twitter",
        "https://example.org/news/rights/story?amp",
        "https://example.org/news/rights/story?amp=1",
        "https://example.org/news/rights/story?outputType=amp",
        "https://www.google.com/url?url=https://example.org/news/rights/story&ct=ga",
    ]
    assert {url_key(url) for url in variants} == {"example.org/news/rights/story"}


def test_url_key_keeps_what_tells_stories_apart():
    assert url_key("https://example.org/item?id=1") == "example.org/item?id=1"
    assert url_key("https://example.org/item?id=2") == "example.org/item?id=2"
    assert url_key("https://example.org/Item") == "example.org/Item"
    assert url_key("https://example.org/") == "example.org"
    assert url_key("https://example.org:8443/a/") == "example.org:8443/a"


def test_url_key_decodes_percent_encoded_paths():
    encoded = "https://www.example.org/ru/%D1%81%D0%B2%D0%B5%D0%B6%D0%B8%D0%B5/"
    assert url_key(encoded) == url_key("https://example.org/ru/свежие") == "example.org/ru/свежие"


def test_split_context_anchor():
    story = "https://www.business-humanrights.org/en/garment-unions-story"
    assert split_context_anchor(story + "#c200383") == (story, "200383")
    assert split_context_anchor(story + "#comments") == (story + "#comments", None)
    assert split_context_anchor(story + "#c12x") == (story + "#c12x", None)
    assert split_context_anchor(story) == (story, None)
