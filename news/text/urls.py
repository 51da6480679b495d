"""URL hygiene: canonical links without tracking, and a dedupe key for "the same story".

Subscribers may be watched, so links we send carry no tracking parameters and no redirectors
(DESIGN.md, "Subscribers may be at risk"); aggregators and reposts make one story arrive under
many URLs, so stories are deduplicated on ``url_key`` of the original publisher's URL.
"""

import re
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

# Click identifiers and campaign tags added by mailers, ad networks and social sites.
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "igsh",
        "_ga", "_gl", "yclid", "ref_src", "ref_url", "twclid", "ttclid", "li_fat_id", "wbraid",
        "gbraid", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "vero_conv", "rb_clickid", "s_kwcid", "ncid", "cmpid", "spm",
    }
)  # fmt: skip
# Whole families: Google Analytics (utm_), Matomo/Piwik (pk_, mtm_), HubSpot ads (hsa_).
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Google's redirector: Google Alerts feeds link to google.com/url?...&url=<target>; search
# results use q=<target>. Any google.<tld> or google.co.<cc> host.
_GOOGLE_HOST = re.compile(r"(?:www\.)?google\.(?:com?\.)?[a-z]{2,3}")
_GOOGLE_TARGET_PARAMS = ("url", "q")
# Unreserved characters that some sites percent-encode and others do not (RFC 3986 §6.2.2.2).
_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_CONTEXT_ANCHOR = re.compile(r"c(\d+)")
_AMP_SEGMENT = "amp"
_INDEX_PAGES = ("index.html", "index.htm")
_MAX_UNWRAP = 3  # a redirect to a redirect is rare; more than three is a loop


def is_http_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; javascript:, data:, relative are not."""
    try:
        parts = urlsplit(url.strip())
        return parts.scheme.lower() in _DEFAULT_PORTS and bool(parts.hostname)
    except ValueError:  # e.g. an invalid IPv6 literal
        return False


def is_google_news(url: str) -> bool:
    """True for news.google.com article links, which encode their target and cannot be
    unwrapped offline: callers should prefer the item's own source link."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return (parts.hostname or "") == "news.google.com" and "/articles/" in parts.path


def unwrap_redirect(url: str) -> str:
    """The target of a Google redirect link (``google.com/url?url=…`` or ``?q=…``), else
    ``url`` unchanged."""
    for _ in range(_MAX_UNWRAP):
        target = _google_target(url)
        if target is None:
            return url
        url = target
    return url


def _google_target(url: str) -> str | None:
    if "google." not in url.lower():  # most links: no need to take them apart
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not _GOOGLE_HOST.fullmatch(host) or parts.path != "/url":
        return None
    params = dict(parse_qsl(parts.query))
    for name in _GOOGLE_TARGET_PARAMS:
        target = params.get(name, "").strip()
        if is_http_url(target):
            return target
    return None


def canonical_url(url: str) -> str:
    """The link to store and send: redirects unwrapped, scheme and host lower-cased, default
    port, credentials, tracking parameters and fragment dropped, other parameters kept in
    order.

    Anything that is not an http(s) URL is returned stripped but otherwise unchanged.
    """
    url = unwrap_redirect(url.strip())
    if not is_http_url(url):
        return url
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = "&".join(p for p in parts.query.split("&") if p and not _is_tracking(p))
    path = _normalise_percent(parts.path) or "/"
    return urlunsplit((scheme, _netloc(parts.netloc, scheme), path, query, ""))


def _netloc(netloc: str, scheme: str) -> str:
    """Lower-case the host, drop a trailing dot and the default port, and drop any user name
    and password: a feed URL's credentials resolve into its relative item links, and a link
    sent to readers must never carry them."""
    hostport = netloc.rpartition("@")[2]
    host, port = hostport, ""
    if hostport.startswith("["):  # IPv6 literal: the port follows the closing bracket
        end = hostport.find("]") + 1
        host, port = hostport[:end], hostport[end:].removeprefix(":")
    elif ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    if port in ("", _DEFAULT_PORTS[scheme]):
        return host
    return f"{host}:{port}"


def _is_tracking(param: str) -> bool:
    name = unquote(param.partition("=")[0]).strip().lower()
    return name in TRACKING_PARAMS or name.startswith(TRACKING_PREFIXES)


def _normalise_percent(text: str) -> str:
    """Decode percent-escaped unreserved characters and upper-case the other escapes."""

    def fix(match: re.Match[str]) -> str:
        char = chr(int(match.group()[1:], 16))
        return char if char in _UNRESERVED else match.group().upper()

    return _PERCENT.sub(fix, text)


def url_key(url: str) -> str:
    """The dedupe key for "same original story": the canonical URL without scheme, leading
    "www.", trailing slash, "index.html" or AMP markers. A key, not a link: never send it."""
    parts = urlsplit(canonical_url(url))
    if not parts.netloc:  # not an http(s) URL: the stripped text is the best key we have
        return url.strip()
    host = parts.netloc.removeprefix("www.")
    segments = [s for s in unquote(parts.path).split("/") if s and s != _AMP_SEGMENT]
    if segments and segments[-1] in _INDEX_PAGES:
        segments.pop()
    query = "&".join(p for p in parts.query.split("&") if not _is_amp_param(p))
    key = host + "/" + "/".join(segments)
    return key.rstrip("/") + ("?" + query if query else "")


def _is_amp_param(param: str) -> bool:
    """``?amp``, ``?amp=1`` and ``?outputType=amp`` select a page's AMP rendering."""
    name, _, value = param.partition("=")
    name = name.lower()
    return name == "amp" or (name == "outputtype" and value.lower() == "amp")


def split_context_anchor(url: str) -> tuple[str, str | None]:
    """Split a BHRRC "story in context" link into (story URL, item id):
    ``…/en/<story-slug>#c200383`` → (``…/en/<story-slug>``, ``"200383"``)."""
    base, hash_mark, fragment = url.partition("#")
    match = _CONTEXT_ANCHOR.fullmatch(fragment) if hash_mark else None
    if match is None:
        return url, None
    return base, match.group(1)


def canonical_context_url(url: str) -> str:
    """A story-in-context link made canonical, keeping its ``#c<id>`` item anchor (the point
    of the link), whether it came from a feed item, a notice page or a redirect."""
    story, item_id = split_context_anchor(url)
    return canonical_url(story) + (f"#c{item_id}" if item_id else "")
