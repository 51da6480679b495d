"""feedparser's element handlers (``_start_x`` / ``_end_x``) for RSS, RDF and Atom, copied.

Each method mirrors the feedparser 6 method of the same name (feedparser/namespaces/_base.py,
dc.py, itunes.py, mediarss.py, psc.py); aliases follow feedparser's. Handlers of values the
pipeline never reads keep only their effect on the shared state (stack, flags, contexts).
"""

from news.feeds.dates import parse_date
from news.feeds.state import (
    HTML_TYPES,
    XHTML,
    FeedState,
    UnsureError,
    map_content_type,
    put,
)

RSS_VERSIONS = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093", "0.94": "rss094"}
ATOM_VERSIONS = {"0.1": "atom01", "0.2": "atom02", "0.3": "atom03"}
COPIED_TO_SUMMARY = frozenset({"text/plain", "text/html", XHTML})


def enforce_href(attrs: dict[str, str]) -> dict[str, str]:
    href = attrs.get("url", attrs.get("uri", attrs.get("href")))
    if href:
        attrs.pop("url", None)
        attrs.pop("uri", None)
        attrs["href"] = href
    return attrs


class FeedHandlers(FeedState):
    """Feed structure: root, channel, items, images, text inputs and sources."""

    namespacemap: dict[str | None, str]

    @property
    def expecting_text(self) -> bool:
        return self.infeed or self.inentry or self.insource

    def _start_rss(self, attrs: dict[str, str]) -> None:
        if not self.version.startswith("rss"):
            version = attrs.get("version", "")
            self.version = RSS_VERSIONS.get(version) or (
                "rss20" if version.startswith("2.") else "rss"
            )

    def _start_channel(self, attrs: dict[str, str]) -> None:
        self.infeed = True
        self._cdf_common(attrs)

    def _cdf_common(self, attrs: dict[str, str]) -> None:
        if "lastmod" in attrs or "href" in attrs:
            raise UnsureError("CDF attributes")

    def _start_feed(self, attrs: dict[str, str]) -> None:
        self.infeed = True
        if not self.version:
            self.version = ATOM_VERSIONS.get(attrs.get("version", "")) or "atom"

    def _end_channel(self) -> None:
        self.infeed = False

    _end_feed = _end_channel

    def _start_image(self, attrs: dict[str, str]) -> None:
        context = self.context()
        if not self.inentry:
            context.setdefault("image", {})
        self.inimage = True
        self.title_depth = -1
        self.push("image", False)

    def _end_image(self) -> None:
        self.pop("image")
        self.inimage = False

    def _start_textinput(self, attrs: dict[str, str]) -> None:
        context = self.context()
        if context is not self.feed:
            raise UnsureError("a text input inside an item (feedparser loses track of it)")
        context.setdefault("textinput", {})
        self.intextinput = True
        self.title_depth = -1
        self.push("textinput", False)

    def _end_textinput(self) -> None:
        self.pop("textinput")
        self.intextinput = False

    def _start_item(self, attrs: dict[str, str]) -> None:
        self.entries.append({})
        self.depths.append({})
        self.push("item", False)
        self.inentry = True
        self.guidislink = False
        self.title_depth = -1
        about = attrs.get(self.namespacemap.get("rdf", "rdf") + ":about")
        if about:
            put(self.context(), "id", about)
        self._cdf_common(attrs)

    _start_entry = _start_item

    def _end_item(self) -> None:
        self.pop("item")
        self.inentry = False
        self.has_content = False

    _end_entry = _end_item

    def _start_source(self, attrs: dict[str, str]) -> None:
        if "url" in attrs:
            self.sourcedata["href"] = attrs["url"]
        self.push("source", True)
        self.insource = True
        self.title_depth = -1

    def _end_source(self) -> None:
        self.insource = False
        value = self.pop("source")
        if value:
            self.sourcedata["title"] = value
        put(self.context(), "source", dict(self.sourcedata))
        self.sourcedata.clear()


class EntryHandlers(FeedHandlers):
    """Titles, links, ids, bodies and dates."""

    def _start_title(self, attrs: dict[str, str]) -> None:
        self.push_content("title", attrs, "text/plain", self.expecting_text)

    _start_dc_title = _start_media_title = _start_title

    def _end_title(self) -> None:
        if self.pop_content("title"):
            self.title_depth = self.depth

    _end_dc_title = _end_title

    def _end_media_title(self) -> None:
        title_depth = self.title_depth
        self._end_title()
        self.title_depth = title_depth

    def _start_link(self, attrs: dict[str, str]) -> None:
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        context = self.context()
        attrs = enforce_href(attrs)
        if "href" in attrs:
            attrs["href"] = self.resolve_uri(attrs["href"])
        context.setdefault("links", [])
        if not (self.inentry and self.inimage):
            context["links"].append(attrs)
        if "href" not in attrs:
            self.push("link", self.expecting_text)
        elif attrs["rel"] == "alternate" and map_content_type(attrs["type"]) in HTML_TYPES:
            context["link"] = attrs["href"]

    def _end_link(self) -> None:
        self.pop("link")

    def resolve_uri(self, uri: str) -> str:
        raise NotImplementedError

    def _start_guid(self, attrs: dict[str, str]) -> None:
        self.guidislink = attrs.get("ispermalink", "true") == "true"
        self.push("id", True)

    _start_id = _start_guid

    def _end_guid(self) -> None:
        value = self.pop("id")
        self.save("guidislink", self.guidislink and "link" not in self.context())
        if self.guidislink:
            self.save("link", value)

    _end_id = _end_guid

    def _start_description(self, attrs: dict[str, str]) -> None:
        if "summary" in self.context() and not self.has_content:
            self.summary_key = "content"
            self._start_content(attrs)
        else:
            self.push_content("description", attrs, "text/html", self.expecting_text)

    _start_dc_description = _start_media_description = _start_description

    def _start_abstract(self, attrs: dict[str, str]) -> None:
        self.push_content("description", attrs, "text/plain", self.expecting_text)

    def _end_description(self) -> None:
        if self.summary_key == "content":
            self._end_content()
        else:
            self.pop_content("description")
        self.summary_key = None

    _end_dc_description = _end_media_description = _end_abstract = _end_description

    def _start_summary(self, attrs: dict[str, str]) -> None:
        if "summary" in self.context() and not self.has_content:
            self.summary_key = "content"
            self._start_content(attrs)
        else:
            self.summary_key = "summary"
            self.push_content("summary", attrs, "text/plain", True)

    _start_itunes_summary = _start_summary

    def _end_summary(self) -> None:
        if self.summary_key == "content":
            self._end_content()
        else:
            self.pop_content(self.summary_key or "summary")
        self.summary_key = None

    _end_itunes_summary = _end_summary

    def _start_content(self, attrs: dict[str, str]) -> None:
        self.has_content = True
        self.push_content("content", attrs, "text/plain", True)
        if attrs.get("src"):
            self.contentparams["src"] = attrs["src"]
        self.push("content", True)  # twice, as feedparser does: one entry stays behind

    def _start_content_encoded(self, attrs: dict[str, str]) -> None:
        self.has_content = True
        self.push_content("content", attrs, "text/html", True)

    _start_fullitem = _start_content_encoded

    def _start_body(self, attrs: dict[str, str]) -> None:
        self.push_content("content", attrs, XHTML, True)

    _start_xhtml_body = _start_body

    def _end_content(self) -> None:
        content_type = self.contentparams.get("type")
        if not isinstance(content_type, str):
            raise UnsureError("content ended without its parameters")
        copy_to_summary = map_content_type(content_type) in COPIED_TO_SUMMARY
        value = self.pop_content("content")
        if copy_to_summary:
            self.save("summary", value)

    _end_body = _end_xhtml_body = _end_content_encoded = _end_fullitem = _end_content

    def _start_published(self, attrs: dict[str, str]) -> None:
        self.push("published", True)

    _start_issued = _start_pubdate = _start_dcterms_issued = _start_published

    def _end_published(self) -> None:
        self.save("published_parsed", parse_date(self.pop("published")), overwrite=True)

    _end_issued = _end_pubdate = _end_dcterms_issued = _end_published

    def _start_updated(self, attrs: dict[str, str]) -> None:
        self.push("updated", True)

    _start_modified = _start_lastbuilddate = _start_dc_date = _start_dcterms_modified = (
        _start_updated
    )

    def _end_updated(self) -> None:
        self.save("updated_parsed", parse_date(self.pop("updated")), overwrite=True)

    _end_modified = _end_lastbuilddate = _end_dc_date = _end_dcterms_modified = _end_updated
