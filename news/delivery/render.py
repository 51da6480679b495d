"""Stories to Telegram HTML messages. Pure.

Every feed string is escaped; only http(s) links are emitted; dates are the chat's own. Each
message stays under Telegram's 4096-character limit counted in UTF-16 code units after entity
parsing, wrapper included, and long lists split between stories, never inside one
(``news.delivery.split``).
"""

import html
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import lru_cache

from news.delivery.split import BUDGET, MARGIN, Group, split

# Re-exported: callers that render also measure and fit.
from news.delivery.split import MAX_MESSAGE as MAX_MESSAGE
from news.delivery.split import fit as fit
from news.delivery.split import plain_text as plain_text
from news.delivery.split import utf16_len as utf16_len
from news.delivery.split import visible_length as visible_length
from news.i18n.translator import N_, Translator
from news.models import StoredStory, author_names
from news.text.outlets import outlet_key
from news.text.summary import truncate
from news.text.urls import is_http_url
from news.topics.khmer import has_khmer

# Who is speaking, shown after the outlet's name so readers can weigh the source.
SOURCE_LABELS = {
    # i18n: A source type, after an outlet's name: "Licadho (NGO)".
    "ngo": N_("NGO"),
    # i18n: A source type, after an outlet's name.
    "independent media": N_("independent media"),
    # i18n: A source type, after an outlet's name.
    "government": N_("government"),
    # i18n: A source type: media close to the government, after an outlet's name.
    "state-aligned media": N_("state-aligned media"),
    # i18n: A source type (the UN, the EU), after an outlet's name.
    "intergovernmental": N_("intergovernmental"),
    # i18n: A source type: a site that relays other outlets' stories.
    "aggregator": N_("aggregator"),
}
# Longest text shown for each part of a story. The feeds' own caps are lower (a title is at
# most 300 characters, a summary 350); these stop a hostile or old row from filling a message.
MAX_TITLE, MAX_NAME, MAX_SUMMARY, MAX_LIST = 400, 120, 1000, 300
MAX_HEADING_TOPICS = 160  # characters of topic names in a batch heading; the rest are counted
MAX_WHY_TERMS = 5  # per topic in a "Why" line
ENGLISH_ENDINGS = ("ing", "ed", "es", "s")  # stripped to tell near-repeated terms apart
# The topics a reader follows: (slug, the name their "Why" line shows), in config order.
WhyNames = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A digest section: one topic's stories, newest first."""

    title: str
    stories: tuple[StoredStory, ...]


def why_names(titles: Mapping[str, str], followed: Collection[str]) -> WhyNames:
    """The "Why" names of a reader's topics: ``titles`` (slug to name, config order) of
    those in ``followed``."""
    return tuple((slug, title) for slug, title in titles.items() if slug in followed)


def escape(text: str) -> str:
    """Escape feed text for Telegram HTML (``&``, ``<``, ``>`` and quotes)."""
    return html.escape(text, quote=True)


def _shown(text: str, limit: int) -> str:
    """Feed text on one line, at most ``limit`` characters: a newline or tab in an author or a
    summary would break the message's layout, or pass for the gap between two stories."""
    return truncate(" ".join(text.split()), limit)


def link(url: str | None, label: str) -> str:
    """An anchor if ``url`` is http(s), else just the escaped label."""
    if url and is_http_url(url):
        return f'<a href="{escape(url)}">{escape(label)}</a>'
    return escape(label)


def credit_line(story: StoredStory, zone: tzinfo, tr: Translator) -> str:
    """Publisher (and type) · author · its own date; "via" the feed that relayed it.

    A relay's own date (BHRRC's "Published on") is never paired with the publisher it
    credits: when it is the only date known, it goes with the relay.
    """
    via = _labelled(story.outlet, story.source_type, tr)
    author = _authors(story.author, tr) if story.author else None
    # i18n: A CLDR date pattern (d day, MMM month, y year) for a story's date: "7 Dec 2026".
    day = tr.date(story.published.astimezone(zone).date(), N_("d MMM y"))
    if not story.publisher or outlet_key(story.publisher) == outlet_key(story.outlet):
        return " · ".join(escape(p) for p in [via, author, day] if p)
    publisher = _labelled(story.publisher, story.publisher_type, tr)
    own = [publisher, author, None if story.date_is_relayed else day]
    relay = f"{via} · {day}" if story.date_is_relayed else via
    # i18n: After a story's publisher, the feed that relayed it.
    via_relay = tr.gettext("— via {outlet}").format(outlet=escape(relay))
    return " · ".join(escape(p) for p in own if p) + " " + via_relay


def _labelled(name: str, source_type: str | None, tr: Translator) -> str:
    """An outlet's name and, when known, its type: "Khmer Times (state-aligned media)"."""
    shown = _shown(name, MAX_NAME)
    if not source_type:
        return shown
    kind = SOURCE_LABELS.get(source_type)
    return f"{shown} ({tr.gettext(kind) if kind else source_type})"


def _authors(author: str, tr: Translator) -> str:
    """The first three names; "and others" when there were more."""
    names = [_shown(name, MAX_NAME) for name in author_names(author)]
    shown = ", ".join(names[:3])
    if len(names) > 3:
        # i18n: After the first three authors of a story: "Dara Mech, Sok Chea, Ly Na and others".
        shown = tr.gettext("{authors} and others").format(authors=shown)
    return shown


def render_story(
    story: StoredStory, zone: tzinfo, tr: Translator, names: WhyNames | None = None
) -> str:
    """One story as an HTML block: linked title, credit, summary, links, why it matched.

    ``names``: the topics the reader follows, whose matches alone the "Why" line shows (all
    the story's topics, by slug, when None).
    """
    if names is None:
        shown = tuple((hit.slug, hit.slug) for hit in story.topics)
    else:
        matched = {hit.slug for hit in story.topics}
        shown = tuple((slug, name) for slug, name in names if slug in matched)
    return _render_story(story, zone, tr, shown)


@lru_cache(maxsize=8192)
def _render_story(
    story: StoredStory, zone: tzinfo, tr: Translator, shown: tuple[tuple[str, str], ...]
) -> str:
    """``render_story``, cached by story, zone, language and the topics shown "Why": a
    broadcast or a digest tick renders the same few stories for thousands of chats, which
    live in a few zones, read a few languages and follow a few topics."""
    title = _shown(story.title, MAX_TITLE) or tr.gettext("Untitled")
    lines = [f"<b>{link(story.context_url or story.url, title)}</b>", credit_line(story, zone, tr)]
    if story.summary:
        lines.append(escape(_shown(story.summary, MAX_SUMMARY)))
    links = []
    original = story.original_url or (story.url if story.context_url else None)
    if original and is_http_url(original):
        # i18n: The link to the story on its original publisher's site.
        links.append(link(original, tr.gettext("Original")))
    if story.also_reported_by:
        others = _shown(", ".join(story.also_reported_by), MAX_LIST)
        # i18n: Other outlets that carried the same story: "also reported by VOD, CamboJA".
        links.append(tr.gettext("also reported by {outlets}").format(outlets=escape(others)))
    if links:
        lines.append(" · ".join(links))
    why = _why(story, shown, tr)
    if why:
        lines.append(f"<i>{why}</i>")
    return "\n".join(lines)


def _why(story: StoredStory, shown: tuple[tuple[str, str], ...], tr: Translator) -> str:
    """Each shown topic with its own matched terms: "Why: EBA — Everything But Arms, EBA"."""
    terms = {hit.slug: hit.terms for hit in story.topics}
    parts = [
        # i18n: One topic in a "Why" line: its name, a dash, the words found ("EBA — EBA, EU").
        tr.gettext("{topic} — {terms}").format(
            topic=_shown(name, MAX_NAME), terms=_some_terms(terms[slug])
        )
        for slug, name in shown
        if terms.get(slug)
    ]
    if not parts:
        return ""
    shown_text = escape(_shown("; ".join(parts), MAX_LIST))
    # i18n: Why a story was sent: each topic followed with its words found in the story
    # i18n: ("Why: EBA — Everything But Arms, EBA; NGO freedoms — LICADHO").
    return tr.gettext("Why: {topics}").format(topics=shown_text)


def _some_terms(terms: Sequence[str]) -> str:
    """The first ``MAX_WHY_TERMS`` distinct terms: enough to show why, short enough that every
    topic of the line still shows (a long story can match twenty terms of one topic)."""
    distinct = distinct_terms(terms)
    shown = ", ".join(distinct[:MAX_WHY_TERMS])
    return shown + "…" if len(distinct) > MAX_WHY_TERMS else shown


def distinct_terms(terms: Sequence[str]) -> list[str]:
    """The terms less those that say again what an earlier one said: "jailed, jail, jail term"
    is "jailed" to a reader. Two terms are one when their words, stemmed, start alike ("human
    rights", "Human Rights Watch"), or for Khmer, written without spaces, when one holds the
    other."""
    kept: list[tuple[str, tuple[str, ...]]] = []
    for term in terms:
        stems = tuple(_stem(word) for word in term.casefold().split())
        if not any(_same(stems, other) for _, other in kept):
            kept.append((term, stems))
    return [term for term, _ in kept]


def _same(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    shorter, longer = sorted((a, b), key=len)
    if shorter and longer[: len(shorter)] == shorter:
        return True
    khmer = len(a) == len(b) == 1 and has_khmer(a[0] + b[0])
    return khmer and (a[0] in b[0] or b[0] in a[0])


def _stem(word: str) -> str:
    """A word less an English ending, enough to tell "arrests" and "arrested" are one."""
    for ending in ENGLISH_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def render_alert(
    story: StoredStory,
    *,
    discreet: bool = False,
    zone: tzinfo = UTC,
    tr: Translator,
    names: WhyNames | None = None,
) -> str:
    """An instant alert: one story in one message; ``names`` as for ``render_story``."""
    notice = _notice(1, tr)
    room = BUDGET - (visible_length(notice) + 1 if discreet else 0)
    block = fit(render_story(story, zone, tr, names), room)
    return _discreet(notice, block) if discreet else block


@lru_cache(maxsize=256)
def render_digest(
    sections: tuple[Section, ...],
    *,
    heading: str,
    discreet: bool = False,
    zone: tzinfo = UTC,
    tr: Translator,
    names: WhyNames | None = None,
) -> tuple[str, ...]:
    """A digest: ``heading`` and its count, then each topic's stories under its header;
    ``names`` as for ``render_story``.

    Cached: chats that follow the same topics in the same zone and language get the same
    digest, rendered once.
    """
    count = _stories(_count(sections), tr)
    head = f"<b>{escape(_shown(heading, MAX_NAME))}</b> — {count}"
    return _render_sections(head, sections, discreet=discreet, zone=zone, tr=tr, names=names)


@lru_cache(maxsize=256)
def render_batch(
    sections: tuple[Section, ...],
    *,
    discreet: bool = False,
    zone: tzinfo = UTC,
    tr: Translator,
    names: WhyNames | None = None,
) -> tuple[str, ...]:
    """Alerts coalesced into one message (or a few): "5 new stories: EBA (3), NGO (2)"."""
    head = batch_heading(sections, tr)
    return _render_sections(head, sections, discreet=discreet, zone=zone, tr=tr, names=names)


def batch_heading(sections: Sequence[Section], tr: Translator) -> str:
    """The count, then the topics with their counts in section order, as many as read well."""
    shown: list[str] = []
    used = 0
    for section in sections:
        part = f"{_shown(section.title, MAX_NAME)} ({tr.number(len(section.stories))})"
        if shown and used + len(part) > MAX_HEADING_TOPICS:
            break
        shown.append(part)
        used += len(part) + 2
    topics = ", ".join(shown)
    if rest := len(sections) - len(shown):
        # i18n: After the topics a batch's heading had room for.
        more = tr.ngettext("…and {n} more topic", "…and {n} more topics", rest)
        topics += " " + more.format(n=tr.number(rest))
    count = _count(sections)
    # i18n: The count of a batch of alerts: "5 new stories".
    stories = tr.ngettext("{n} new story", "{n} new stories", count).format(n=tr.number(count))
    # i18n: A batch's heading: the count in bold, then the topics, "5 new stories: EBA (3)".
    return tr.gettext("<b>{stories}</b>: {topics}").format(stories=stories, topics=escape(topics))


def _render_sections(
    head: str,
    sections: tuple[Section, ...],
    *,
    discreet: bool,
    zone: tzinfo,
    tr: Translator,
    names: WhyNames | None,
) -> tuple[str, ...]:
    # The discreet notice never says "digest": it may be read over a shoulder.
    notice = _notice(_count(sections), tr)
    budget = BUDGET - (visible_length(notice) + 1 if discreet else 0)
    # i18n: After a topic's name atop a message that goes on with the topic's stories.
    continued = tr.gettext("(continued)")
    groups = [
        Group(
            _topic_header(s.title),
            tuple(render_story(story, zone, tr, names) for story in s.stories),
            continued=f"{_topic_header(s.title)} {escape(continued)}",
        )
        for s in sections
    ]
    messages = split(head, groups, budget=budget, spare_entities=1 if discreet else 0)
    return tuple(_discreet(notice, m) if discreet else m for m in messages or [head])


def _notice(count: int, tr: Translator) -> str:
    # i18n: The first line of a discreet chat's push, all a lock screen shows.
    return tr.ngettext("New story", "New stories", count)


def _topic_header(title: str) -> str:
    return f"<b>▍{escape(_shown(title, MAX_NAME))}</b>"


def render_list(
    stories: Sequence[StoredStory],
    *,
    heading: str,
    zone: tzinfo = UTC,
    tr: Translator,
    names: WhyNames | None = None,
) -> list[str]:
    """A plain list of stories, split under the limit; ``names`` as for ``render_story``."""
    blocks = [render_story(story, zone, tr, names) for story in stories]
    head = f"<b>{escape(heading)}</b>"
    continued = escape(tr.gettext("(continued)"))
    return pack(head, blocks, continued=f"{head} {continued}")


def pack(
    heading: str, blocks: Sequence[str], limit: int = MAX_MESSAGE, *, continued: str = ""
) -> list[str]:
    """``heading`` and ``blocks`` in as few messages as fit, each opening with the heading
    (``continued`` after the first) and split between blocks."""
    group = Group(heading, tuple(blocks), continued=continued or heading)
    return split("", [group], budget=limit - MARGIN) or [heading]


def _count(sections: Sequence[Section]) -> int:
    return len({story.id for section in sections for story in section.stories})


def _stories(count: int, tr: Translator) -> str:
    # i18n: How many stories a digest holds: "12 stories".
    return tr.ngettext("{n} story", "{n} stories", count).format(n=tr.number(count))


def _discreet(notice: str, body: str) -> str:
    # The notification preview shows the first line; spoiler text shows as blocks there too.
    return f"{escape(notice)}\n<tg-spoiler>{body}</tg-spoiler>"
