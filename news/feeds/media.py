"""feedparser's Media RSS and Podlove handlers, and the dates RawEntry does not keep, copied.

Like news.feeds.extras: only the effect on the shared state is kept, not the values.
"""

from news.feeds.extras import PlainHandlers
from news.feeds.state import UnsureError


class MediaHandlers(PlainHandlers):
    """Media RSS, Podlove chapters and the dates RawEntry does not keep."""

    psc_chapters = False

    def _start_media_group(self, attrs: dict[str, str]) -> None:
        pass

    def _start_media_content(self, attrs: dict[str, str]) -> None:
        self.context().setdefault("media_content", []).append(attrs)

    def _start_media_thumbnail(self, attrs: dict[str, str]) -> None:
        context = self.context()
        context.setdefault("media_thumbnail", [])
        self.push("url", True)
        context["media_thumbnail"].append(attrs)

    def _end_media_thumbnail(self) -> None:
        url = self.pop("url")
        context = self.context()
        if url is not None and url.strip() and "url" not in context["media_thumbnail"][-1]:
            context["media_thumbnail"][-1]["url"] = url

    def _start_media_player(self, attrs: dict[str, str]) -> None:
        self.push("media_player", False)
        self.context()["media_player"] = attrs

    def _end_media_player(self) -> None:
        self.context()["media_player"]["content"] = self.pop("media_player")

    def _start_media_rating(self, attrs: dict[str, str]) -> None:
        self._open_media_detail("media_rating", attrs, "rating")

    def _end_media_rating(self) -> None:
        self._close_media_detail("media_rating", "rating")

    def _start_media_restriction(self, attrs: dict[str, str]) -> None:
        self._open_media_detail("media_restriction", attrs, "restriction")

    def _end_media_restriction(self) -> None:
        self._close_media_detail("media_restriction", "restriction")

    def _start_media_license(self, attrs: dict[str, str]) -> None:
        self._open_media_detail("media_license", attrs, "license")

    def _end_media_license(self) -> None:
        self._close_media_detail("media_license", "license")

    def _open_media_detail(self, key: str, attrs: dict[str, str], element: str) -> None:
        self.context().setdefault(key, attrs)
        self.push(element, True)

    def _close_media_detail(self, key: str, element: str) -> None:
        value = self.pop(element)
        if value is not None and value.strip():
            self.context()[key]["content"] = value

    def _start_media_credit(self, attrs: dict[str, str]) -> None:
        self.context().setdefault("media_credit", []).append(attrs)
        self.push("credit", True)

    def _end_media_credit(self) -> None:
        value = self.pop("credit")
        if value is not None and value.strip():
            self.context()["media_credit"][-1]["content"] = value

    def _start_psc_chapters(self, attrs: dict[str, str]) -> None:
        context = self.context()
        if "psc_chapters" not in context:
            self.psc_chapters = True
            context["psc_chapters"] = {"chapters": []}

    def _end_psc_chapters(self) -> None:
        self.psc_chapters = False

    def _start_psc_chapter(self, attrs: dict[str, str]) -> None:
        if self.psc_chapters:
            if attrs.get("start") is None:
                raise UnsureError("a chapter without a start (feedparser fails on it)")
            self.context()["psc_chapters"]["chapters"].append(attrs)

    def _start_newlocation(self, attrs: dict[str, str]) -> None:
        self.push("newlocation", True)

    def _end_newlocation(self) -> None:
        url = self.pop("newlocation")
        if url is None and self.context() is self.feed:
            self.pop("newlocation")  # feedparser's AttributeError path pops again

    def _start_width(self, attrs: dict[str, str]) -> None:
        self.push("width", False)

    def _end_width(self) -> None:
        self._close_dimension("width")

    def _start_height(self, attrs: dict[str, str]) -> None:
        self.push("height", False)

    def _end_height(self) -> None:
        self._close_dimension("height")

    def _close_dimension(self, name: str) -> None:
        if self.pop(name) is None:
            raise UnsureError("a misplaced image size (feedparser fails on it)")
        if self.inimage:
            self.context()

    def _start_created(self, attrs: dict[str, str]) -> None:
        self.push("created", True)

    _start_dcterms_created = _start_created

    def _end_created(self) -> None:
        self.pop("created")
        self.context()

    _end_dcterms_created = _end_created

    def _start_expirationdate(self, attrs: dict[str, str]) -> None:
        self.push("expired", True)

    def _end_expirationdate(self) -> None:
        self.pop("expired")
        self.context()

    def _start_dcterms_valid(self, attrs: dict[str, str]) -> None:
        self.push("validity", True)

    def _end_dcterms_valid(self) -> None:
        value = self.pop("validity")
        if value is None:
            self.pop("validity")  # feedparser's AttributeError path pops again
        elif any(p.split("=")[0] in ("start", "end") for p in value.split(";") if "=" in p):
            self.context()
