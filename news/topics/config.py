"""The shape of a topic in the config file: term groups an admin can read.

```toml
[[topics]]
slug = "cambodia-eba"
title = "Cambodia and the EU's Everything But Arms preferences"
short_title = "EBA"          # optional: for "Why: EBA — Everything But Arms, EBA"
description = "Trade preferences, their withdrawal and the rights conditions behind it."

  [topics.translations.km]   # optional: the title and description in another language
  title = "កម្ពុជា និងប្រព័ន្ធអនុគ្រោះពន្ធ EBA របស់សហភាពអឺរ៉ុប"
  description = "…"

  [[topics.all_of]]          # every all_of group must match
  terms = ["Cambodia", "កម្ពុជា"]

  [[topics.all_of]]
  terms = ["Everything But Arms", "trade preferences"]
  acronyms = ["EBA"]         # case-sensitive, ASCII-guarded
  where = "headline"         # one mention in the headline is enough (default: "lead") ...
  min_mentions = 2           # ... or two anywhere in the story (default 3; 0: only `where`)

  [topics.none_of]           # any match here rejects the story
  terms = ["European Banking Authority"]

  [topics.sources]           # optional: only these feeds / source types
  types = ["ngo", "independent media"]
```
"""

import re
from collections.abc import Collection, Iterator, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from news.topics.keys import term_key
from news.topics.khmer import has_khmer

_ACRONYM = re.compile(r"^[A-Za-z0-9][A-Za-z0-9&.\-]*[A-Za-z0-9.]$|^[A-Z0-9]$")
_SLUG = r"^[a-z0-9][a-z0-9-]{0,40}$"
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_PUNCTUATION = " .,;:!?'\"()[]-"
# Khmer terms match inside words, so a one- or two-letter term (ដក) would match almost anything.
_MIN_KHMER_LENGTH = 3
# Where one mention of a group's terms is enough (news.topics.story.LEAD_CHARS says what the
# lead is); past it a group needs min_mentions.
Where = Literal["headline", "lead", "anywhere"]
MAX_MIN_MENTIONS = 20
MAX_SHORT_TITLE = 40  # a name, not a sentence: it leads each topic's part of a "Why" line
# Who is speaking, shown to readers so they can weigh the source.
SourceType = Literal[
    "ngo",
    "independent media",
    "government",
    "state-aligned media",
    "intergovernmental",
    "aggregator",
]


def _topic_error(message: str, **values: object) -> PydanticCustomError:
    return PydanticCustomError("topic", message, values)


class TermGroup(BaseModel):
    """Terms of which at least one must occur, on evidence a reader would accept: once in
    ``where`` (by default the lead), or ``min_mentions`` times anywhere in the story, so one
    word deep in a long article is not enough unless the group says ``where = "anywhere"``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    terms: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    where: Where = "lead"
    # Two mentions in a long article can be chance (a sports story's "minimum wage" and
    # "collective bargaining"), three are a theme.
    min_mentions: int = Field(default=3, ge=0, le=MAX_MIN_MENTIONS)

    @field_validator("terms")
    @classmethod
    def _terms_can_match(cls, terms: tuple[str, ...]) -> tuple[str, ...]:
        seen: dict[str, str] = {}
        for term in terms:
            key = term_key(term)
            if not key.strip(_PUNCTUATION):
                raise _topic_error("term {term} is empty after normalising", term=repr(term))
            if has_khmer(term) and len(key) < _MIN_KHMER_LENGTH:
                raise _topic_error(
                    "Khmer term {term} is shorter than {length} characters; Khmer terms match "
                    "inside words, so it would match almost any story: use a longer phrase",
                    term=repr(term),
                    length=_MIN_KHMER_LENGTH,
                )
            if key in seen:
                raise _topic_error(
                    "term {term} is the same as {first} after normalising; list it once",
                    term=repr(term),
                    first=repr(seen[key]),
                )
            seen[key] = term
        return tuple(" ".join(term.split()) for term in terms)

    @field_validator("acronyms")
    @classmethod
    def _acronyms_are_ascii(cls, acronyms: tuple[str, ...]) -> tuple[str, ...]:
        for index, acronym in enumerate(acronyms):
            if not acronym.isascii() or not _ACRONYM.match(acronym):
                raise _topic_error(
                    "acronym {acronym} must be ASCII letters and digits (put other words "
                    "in terms)",
                    acronym=repr(acronym),
                )
            if acronym == acronym.lower():
                raise _topic_error(
                    "acronym {acronym} is all lower case, so matching it case-sensitively "
                    "would hit ordinary words; put it in terms",
                    acronym=repr(acronym),
                )
            if acronym in acronyms[:index]:
                raise _topic_error("acronym {acronym} is listed twice", acronym=repr(acronym))
        return acronyms

    @model_validator(mode="after")
    def _not_empty(self) -> "TermGroup":
        if not self.terms and not self.acronyms:
            raise _topic_error("a term group needs at least one term or acronym")
        self._check_strength()
        keys = {term_key(term): term for term in self.terms}
        for acronym in self.acronyms:
            if term_key(acronym) in keys:
                raise _topic_error(
                    "acronym {acronym} is also in terms as {term}, where it matches in any "
                    "case; keep one",
                    acronym=repr(acronym),
                    term=repr(keys[term_key(acronym)]),
                )
        return self

    def _check_strength(self) -> None:
        """``where`` and ``min_mentions`` that say something: each one set must change what
        matches, so an admin who sets it is not misled."""
        if self.where == "anywhere" and "min_mentions" in self.model_fields_set:
            raise _topic_error(
                "min_mentions = {count} has no effect with where = 'anywhere', where one "
                "mention anywhere already matches; remove one of them",
                count=self.min_mentions,
            )
        if self.min_mentions == 1:
            raise _topic_error(
                "min_mentions = 1 lets one mention anywhere match; say where = 'anywhere' "
                "instead, or ask for 2 or more (0: only mentions in `where` count)"
            )

    def has_strength_options(self) -> bool:
        """True when ``where`` or ``min_mentions`` is set (they mean nothing in none_of)."""
        return bool(self.model_fields_set & {"where", "min_mentions"})

    def all_terms(self) -> tuple[str, ...]:
        """Terms and acronyms together, for overlap checks and display."""
        return self.terms + self.acronyms

    def covers(self, entry: str, *, acronym: bool) -> bool:
        """True when a story containing ``entry`` (a term, or an acronym) always matches this
        group, so ``entry`` cannot help a topic whose none_of is this group."""
        if acronym and entry in self.acronyms:
            return True
        return term_key(entry) in {term_key(term) for term in self.terms}


class SourceFilter(BaseModel):
    """Limit a topic to some feeds (by name) or source types; a story passes either list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: tuple[str, ...] = ()
    types: tuple[SourceType, ...] = ()


class TopicText(BaseModel):
    """A topic's title and description in one more language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=120)
    short_title: str | None = Field(default=None, min_length=1, max_length=MAX_SHORT_TITLE)
    description: str = Field(min_length=1, max_length=300)


class TopicConfig(BaseModel):
    """One curated topic subscribers can follow."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=_SLUG)
    title: str = Field(min_length=1, max_length=120)
    short_title: str | None = Field(default=None, min_length=1, max_length=MAX_SHORT_TITLE)
    description: str = Field(min_length=1, max_length=300)
    translations: dict[str, TopicText] = Field(default_factory=dict)
    all_of: tuple[TermGroup, ...] = ()
    any_of: TermGroup | None = None
    none_of: TermGroup | None = None
    sources: SourceFilter = SourceFilter()

    def title_in(self, language: str) -> str:
        """The title a chat reading ``language`` sees: its translation, else the title."""
        text = self.translations.get(language)
        return text.title if text else self.title

    def short_title_in(self, language: str) -> str:
        """The name a "Why" line gives the topic in ``language``: the short title, else the
        title, of the translation when there is one."""
        text = self.translations.get(language)
        if text is not None:
            return text.short_title or text.title
        return self.short_title or self.title

    def description_in(self, language: str) -> str:
        """The description in ``language``, else the one in the config's own language."""
        text = self.translations.get(language)
        return text.description if text else self.description

    def names(self) -> tuple[str, ...]:
        """Every name a subscriber may type for the topic: slug, title, translated titles."""
        return (self.slug, self.title, *(text.title for text in self.translations.values()))

    @model_validator(mode="after")
    def _can_match(self) -> "TopicConfig":
        if not self.all_of and self.any_of is None:
            raise _topic_error(
                "topic {slug} has no all_of groups and no any_of terms, so nothing can match",
                slug=repr(self.slug),
            )
        if self.none_of is not None:
            if self.none_of.has_strength_options():
                raise _topic_error(
                    "none_of: where and min_mentions apply to all_of and any_of; none_of "
                    "rejects a story on any mention anywhere"
                )
            for name, group in self.positive_groups():
                _check_not_excluded(name, group, self.none_of)
        return self

    def positive_groups(self) -> Iterator[tuple[str, TermGroup]]:
        """The groups that make a story match, with their key ("all_of[1]", "any_of")."""
        for index, group in enumerate(self.all_of):
            yield f"all_of[{index}]", group
        if self.any_of is not None:
            yield "any_of", self.any_of


def _check_not_excluded(name: str, group: TermGroup, none_of: TermGroup) -> None:
    """A term that none_of also rejects can never make its topic match: say which."""
    entries = [(term, "terms", False) for term in group.terms]
    entries += [(acronym, "acronyms", True) for acronym in group.acronyms]
    dead = [
        (entry, field)
        for entry, field, is_acronym in entries
        if none_of.covers(entry, acronym=is_acronym)
    ]
    if dead and len(dead) == len(entries):
        raise _topic_error(
            "{group}: every term is also in none_of, so the group can never match: {terms}",
            group=name,
            terms=", ".join(repr(entry) for entry, _ in dead),
        )
    if dead:
        entry, field = dead[0]
        raise _topic_error(
            "{group}.{field}: {kind} {entry} is also in none_of, so it can never make the topic "
            "match",
            group=name,
            field=field,
            kind=field.removesuffix("s"),
            entry=repr(entry),
        )


def titles_in(topics: Sequence[TopicConfig], language: str) -> dict[str, str]:
    """Slug to title in ``language``, in config order."""
    return {topic.slug: topic.title_in(language) for topic in topics}


def short_titles_in(topics: Sequence[TopicConfig], language: str) -> dict[str, str]:
    """Slug to the short name "Why" lines use in ``language``, in config order."""
    return {topic.slug: topic.short_title_in(language) for topic in topics}


def check_topic_languages(
    topics: Sequence[TopicConfig], languages: Collection[str], source: str
) -> None:
    """Each translation is into a language the bot has a catalog for, other than the one
    the titles are written in. The message carries its own key."""
    for index, topic in enumerate(topics):
        for language in topic.translations:
            if language == source or language not in languages or not _LANGUAGE.match(language):
                raise _topic_error(
                    "topics[{index}].translations.{language}: expected one of {languages}",
                    index=index,
                    language=language,
                    languages=", ".join(sorted(set(languages) - {source})) or "(none)",
                )


def check_topic_references(topics: Sequence[TopicConfig], feed_names: Collection[str]) -> None:
    """Checks across topics and feeds, for the whole config's validator: slugs are unique and
    ``sources.feeds`` names configured feeds. The message carries its own key."""
    first: dict[str, int] = {}
    for index, topic in enumerate(topics):
        if topic.slug in first:
            raise _topic_error(
                "topics[{index}].slug: {slug} is already the slug of topics[{first}]",
                index=index,
                slug=repr(topic.slug),
                first=first[topic.slug],
            )
        first[topic.slug] = index
        for position, feed in enumerate(topic.sources.feeds):
            if feed not in feed_names:
                raise _topic_error(
                    "topics[{index}].sources.feeds[{position}]: {feed} is not the name of "
                    "any [[feeds]] entry",
                    index=index,
                    position=position,
                    feed=repr(feed),
                )
