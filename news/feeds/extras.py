"""feedparser's handlers for people, categories, iTunes, Media RSS and the rest, copied.

Authors reach RawEntry; the others only move shared state (the element stack, the flags, which
dictionary is the current context), so their copies keep exactly that and drop the values.
"""

from news.feeds.handlers import EntryHandlers, enforce_href


class PeopleHandlers(EntryHandlers):
    """Authors (RSS, Atom, Dublin Core, iTunes), contributors and publishers."""

    def _start_author(self, attrs: dict[str, str]) -> None:
        self.inauthor = True
        self.push("author", True)
        self.context().setdefault("authors", []).append({})

    _start_managingeditor = _start_dc_author = _start_dc_creator = _start_itunes_author = (
        _start_author
    )

    def _end_author(self) -> None:
        self.pop("author")
        self.inauthor = False
        self.sync_author()

    _end_managingeditor = _end_dc_author = _end_dc_creator = _end_itunes_author = _end_author

    def _start_contributor(self, attrs: dict[str, str]) -> None:
        self.incontributor = True
        self.context().setdefault("contributors", []).append({})
        self.push("contributor", False)

    def _end_contributor(self) -> None:
        self.pop("contributor")
        self.incontributor = False

    def _start_dc_contributor(self, attrs: dict[str, str]) -> None:
        self.incontributor = True
        self.context().setdefault("contributors", []).append({})
        self.push("name", False)

    def _end_dc_contributor(self) -> None:
        self._end_name()
        self.incontributor = False

    def _start_name(self, attrs: dict[str, str]) -> None:
        self.push("name", False)

    _start_itunes_name = _start_name

    def _end_name(self) -> None:
        value = self.pop("name")
        if not self._save_person_part("name", value) and self.intextinput:
            self.context()["name"] = value

    _end_itunes_name = _end_name

    def _start_email(self, attrs: dict[str, str]) -> None:
        self.push("email", False)

    _start_itunes_email = _start_email

    def _end_email(self) -> None:
        self._save_person_part("email", self.pop("email"))

    def _save_person_part(self, key: str, value: str | None) -> bool:
        """File a name or email under the publisher, author or contributor being read."""
        if self.inpublisher:
            self.save_author(key, value, "publisher")
        elif self.inauthor:
            self.save_author(key, value)
        elif self.incontributor:
            self.save_contributor(key, value)
        else:
            return False
        return True

    _end_itunes_email = _end_email

    def _start_url(self, attrs: dict[str, str]) -> None:
        self.push("href", True)

    _start_homepage = _start_uri = _start_url

    def _end_url(self) -> None:
        value = self.pop("href")
        if self.inauthor:
            self.save_author("href", value)
        elif self.incontributor:
            self.save_contributor("href", value)

    _end_homepage = _end_uri = _end_url

    def _start_webmaster(self, attrs: dict[str, str]) -> None:
        self.push("publisher", True)

    _start_dc_publisher = _start_webmaster

    def _end_webmaster(self) -> None:
        self.pop("publisher")
        self.sync_author("publisher")

    _end_dc_publisher = _end_webmaster

    def _start_itunes_owner(self, attrs: dict[str, str]) -> None:
        self.inpublisher = True
        self.push("publisher", False)

    def _end_itunes_owner(self) -> None:
        self.pop("publisher")
        self.inpublisher = False
        self.sync_author("publisher")


class PlainHandlers(PeopleHandlers):
    """Elements whose values RawEntry never reads; only their effect on the state is kept."""

    def _start_subtitle(self, attrs: dict[str, str]) -> None:
        self.push_content("subtitle", attrs, "text/plain", True)

    _start_tagline = _start_itunes_subtitle = _start_subtitle

    def _end_subtitle(self) -> None:
        self.pop_content("subtitle")

    _end_tagline = _end_itunes_subtitle = _end_subtitle

    def _start_rights(self, attrs: dict[str, str]) -> None:
        self.push_content("rights", attrs, "text/plain", True)

    _start_copyright = _start_dc_rights = _start_rights

    def _end_rights(self) -> None:
        self.pop_content("rights")

    _end_copyright = _end_dc_rights = _end_rights

    def _start_info(self, attrs: dict[str, str]) -> None:
        self.push_content("info", attrs, "text/plain", True)

    _start_feedburner_browserfriendly = _start_info

    def _end_info(self) -> None:
        self.pop_content("info")

    _end_feedburner_browserfriendly = _end_info

    def _start_category(self, attrs: dict[str, str]) -> None:
        self.context().setdefault("tags", [])
        self.push("category", True)

    _start_keywords = _start_dc_subject = _start_itunes_category = _start_category

    def _start_media_category(self, attrs: dict[str, str]) -> None:
        self._start_category(attrs)

    def _end_category(self) -> None:
        if self.pop("category"):
            _ = self.context()["tags"]  # feedparser reads it (and fails without it)

    _end_keywords = _end_dc_subject = _end_itunes_category = _end_media_category = _end_category

    def _start_tags(self, attrs: dict[str, str]) -> None:
        self.push("tags", True)

    def _end_tags(self) -> None:
        self._close_keywords("tags", every_term=True)

    def _end_itunes_keywords(self) -> None:
        self._close_keywords("itunes_keywords", every_term=False)

    def _end_media_keywords(self) -> None:
        self._close_keywords("media_keywords", every_term=False)

    def _close_keywords(self, name: str, *, every_term: bool) -> None:
        value = self.pop(name)
        if value is None:
            self.pop(name)  # feedparser's AttributeError path pops again
        elif every_term or any(term.strip() for term in value.split(",")):
            self.context().setdefault("tags", [])

    def _end_itunes_block(self) -> None:
        self.pop("itunes_block", strip=False)
        self.context()["itunes_block"] = 0

    def _end_itunes_explicit(self) -> None:
        self.pop("itunes_explicit", strip=False)
        self.context()["itunes_explicit"] = None

    def _start_itunes_image(self, attrs: dict[str, str]) -> None:
        self.push("itunes_image", False)
        href = attrs.get("href") or attrs.get("url")
        if href:
            self.context()["image"] = {"href": href}

    _start_itunes_link = _start_itunes_image

    def _start_language(self, attrs: dict[str, str]) -> None:
        self.push("language", True)

    _start_dc_language = _start_language

    def _end_language(self) -> None:
        self.pop("language")

    _end_dc_language = _end_language

    def _start_generator(self, attrs: dict[str, str]) -> None:
        self.context()["generator_detail"] = enforce_href(attrs) if attrs else attrs
        self.push("generator", True)

    def _end_generator(self) -> None:
        value = self.pop("generator")
        context = self.context()
        if "generator_detail" in context:
            context["generator_detail"]["name"] = value

    def _start_cc_license(self, attrs: dict[str, str]) -> None:
        self.context().setdefault("links", []).append({"rel": "license"})

    def _start_creativecommons_license(self, attrs: dict[str, str]) -> None:
        self.push("license", True)

    def _end_creativecommons_license(self) -> None:
        self.pop("license")
        context = self.context()
        context.setdefault("links", []).append({"rel": "license"})
        del context["license"]

    def _start_cloud(self, attrs: dict[str, str]) -> None:
        self.context()["cloud"] = attrs

    def _start_enclosure(self, attrs: dict[str, str]) -> None:
        attrs = enforce_href(attrs)
        attrs["rel"] = "enclosure"
        self.context().setdefault("links", []).append(attrs)
