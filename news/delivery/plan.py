"""Deciding what to push to a chat: alerts, a coalesced batch, or a digest. Pure."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from functools import lru_cache

from news.delivery.periods import Period, period_label, period_title
from news.delivery.render import Section, render_alert, render_batch, render_digest, why_names
from news.delivery.timezones import resolve_zone
from news.i18n.translator import Translator
from news.models import ChatSettings, StoredStory

OTHER = ""


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A message to enqueue, and the stories it carries (recorded as delivered)."""

    chat_id: int
    kind: str  # alert | batch | digest
    text: str
    story_ids: tuple[int, ...]
    period: str | None = None
    part: int = 0


@dataclass(frozen=True, slots=True)
class PendingAlert:
    """An alert enqueued earlier and not yet sent."""

    outbox_id: int
    stories: tuple[StoredStory, ...]


def plan_alerts(
    chat: ChatSettings,
    stories: Sequence[StoredStory],
    pending: Sequence[PendingAlert],
    *,
    coalesce_after: int,
    topic_titles: Mapping[str, str],
    followed: Sequence[str],
    tr: Translator,
    why_titles: Mapping[str, str] | None = None,
) -> tuple[list[NewMessage], list[int]]:
    """One alert per new story; past ``coalesce_after`` undelivered alerts, one batch instead.
    ``topic_titles`` and ``tr`` are in the chat's language; "Why" names only ``followed``, by
    ``why_titles`` (short names, in the chat's language) when given, else by title.

    Returns the messages to add and the pending outbox rows the batch replaces.
    """
    zone = chat_zone(chat.timezone)
    names = why_names(why_titles or topic_titles, followed)
    if len(stories) + len(pending) <= coalesce_after:
        messages = [
            NewMessage(
                chat.id,
                "alert",
                render_alert(s, discreet=chat.discreet, zone=zone, tr=tr, names=names),
                (s.id,),
            )
            for s in stories
        ]
        return messages, []
    merged = [s for alert in pending for s in alert.stories] + list(stories)
    sections = tuple(group_by_topic(merged, followed, topic_titles, tr.gettext("Other")))
    texts = render_batch(sections, discreet=chat.discreet, zone=zone, tr=tr, names=names)
    ids = tuple(dict.fromkeys(s.id for s in merged))
    messages = [
        NewMessage(chat.id, "batch", text, ids if part == 0 else (), part=part)
        for part, text in enumerate(texts)
    ]
    return messages, [alert.outbox_id for alert in pending]


def plan_digest(
    chat: ChatSettings,
    period: Period,
    stories: Sequence[StoredStory],
    *,
    topic_titles: Mapping[str, str],
    followed: Sequence[str],
    tr: Translator,
    why_titles: Mapping[str, str] | None = None,
) -> list[NewMessage]:
    """A chat's digest for ``period``: grouped by the ``followed`` topics, newest first,
    split to fit; each story's "Why" names those of them it matched."""
    if not stories:
        return []
    # i18n: The section of a digest for stories of topics the chat no longer follows.
    sections = tuple(group_by_topic(stories, followed, topic_titles, tr.gettext("Other")))
    # Discreet chats never see the word "digest": the day alone heads theirs.
    heading = period_label(period, tr) if chat.discreet else period_title(period, tr)
    zone = chat_zone(chat.timezone)
    texts = render_digest(
        sections,
        heading=heading,
        discreet=chat.discreet,
        zone=zone,
        tr=tr,
        names=why_names(why_titles or topic_titles, followed),
    )
    ids = tuple(dict.fromkeys(s.id for s in stories))
    return [
        NewMessage(chat.id, "digest", text, ids if part == 0 else (), period.key, part)
        for part, text in enumerate(texts)
    ]


def group_by_topic(
    stories: Sequence[StoredStory],
    followed: Sequence[str],
    topic_titles: Mapping[str, str],
    other: str,
) -> list[Section]:
    """Sections in the order the chat's topics are configured; each story under the first of
    the chat's topics it matched, so it appears once; newest first within a section. Stories
    of topics no longer followed come last, under ``other``."""
    order = [slug for slug in topic_titles if slug in followed]
    placed: dict[str, list[StoredStory]] = {slug: [] for slug in order}
    seen: set[int] = set()
    for story in sorted(stories, key=lambda s: (s.first_seen, s.published, s.id), reverse=True):
        if story.id in seen:
            continue
        seen.add(story.id)
        # A topic unfollowed after the story was queued still shows the story, under "Other".
        slug = next((h.slug for h in story.topics if h.slug in placed), OTHER)
        placed.setdefault(slug, []).append(story)
    return [
        Section(topic_titles.get(slug, other), tuple(found))
        for slug, found in placed.items()
        if found
    ]


@lru_cache(maxsize=1024)
def chat_zone(name: str) -> tzinfo:
    """The chat's time zone for dates in its messages; UTC if the name is not one we know."""
    return resolve_zone(name) or UTC
