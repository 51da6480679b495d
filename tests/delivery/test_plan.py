"""Planning a chat's messages: alerts, a coalesced batch, a digest, in the chat's own zone."""

from dataclasses import replace
from datetime import UTC, date, datetime

from news.delivery.periods import Period
from news.delivery.plan import PendingAlert, chat_zone, plan_alerts, plan_digest
from news.delivery.render import plain_text
from news.models import ChatSettings, StoredStory, TopicMatch
from tests.languages import EN

TITLES = {"eba": "EBA", "ngo": "NGO freedoms", "land": "Land"}
CHAT = ChatSettings(7, "private", "daily", "08:00", "Asia/Phnom_Penh", "mon", discreet=False)
STORY = StoredStory(
    id=1,
    title="EU warns Cambodia over trade preferences",
    summary="The Commission said the review would continue.",
    url="https://e.org/1",
    original_url=None,
    context_url=None,
    outlet="Kampuchea Weekly",
    author=None,
    publisher=None,
    # 01:00 on 12 Feb in Phnom Penh; still the 11th in UTC.
    published=datetime(2020, 2, 11, 18, tzinfo=UTC),
    first_seen=datetime(2020, 2, 11, 18, tzinfo=UTC),
    language="en",
    source_type="independent media",
    topics=(TopicMatch("eba", ("EBA",)),),
)
PERIOD = Period("daily:2026-12-07", date(2026, 12, 7), datetime(2026, 12, 7, 1, tzinfo=UTC))


def story(story_id: int, slug: str) -> StoredStory:
    return replace(
        STORY, id=story_id, url=f"https://e.org/{story_id}", topics=(TopicMatch(slug, ("x",)),)
    )


def test_a_chats_messages_carry_its_own_dates():
    [alert], _ = plan_alerts(
        CHAT, [STORY], [], coalesce_after=3, topic_titles=TITLES, followed=["eba"], tr=EN
    )
    [batch], _ = plan_alerts(
        CHAT, [STORY], [], coalesce_after=0, topic_titles=TITLES, followed=["eba"], tr=EN
    )
    [digest] = plan_digest(CHAT, PERIOD, [STORY], topic_titles=TITLES, followed=["eba"], tr=EN)
    assert ["12 Feb 2020" in m.text for m in (alert, batch, digest)] == [True] * 3
    in_utc = replace(CHAT, timezone="Nowhere/Atlantis")
    [fallback] = plan_digest(in_utc, PERIOD, [STORY], topic_titles=TITLES, followed=["eba"], tr=EN)
    assert "11 Feb 2020" in fallback.text


def test_a_zone_is_resolved_once_per_name():
    assert chat_zone("UTC+7") is chat_zone("UTC+7")
    assert chat_zone("not a zone") is UTC


def test_a_digest_opens_with_its_period_and_count():
    stories = [story(1, "eba"), story(2, "ngo"), story(3, "eba")]
    [digest] = plan_digest(
        CHAT, PERIOD, stories, topic_titles=TITLES, followed=list(TITLES), tr=EN
    )
    assert plain_text(digest.text).split("\n\n")[:2] == [
        "Daily digest, Mon 7 Dec 2026 — 3 stories",
        "▍EBA",
    ]
    assert (digest.kind, digest.period, digest.part, digest.story_ids) == (
        "digest",
        "daily:2026-12-07",
        0,
        (1, 2, 3),
    )


def test_a_discreet_chat_never_sees_the_word_digest():
    stories = [story(n, "eba") for n in range(1, 40)]
    discreet = replace(CHAT, discreet=True)
    messages = plan_digest(discreet, PERIOD, stories, topic_titles=TITLES, followed=["eba"], tr=EN)
    assert len(messages) > 1
    assert all("digest" not in plain_text(m.text).casefold() for m in messages)
    assert [m.text.split("\n")[0] for m in messages] == ["New stories"] * len(messages)
    assert plain_text(messages[0].text).split("\n")[1] == "Mon 7 Dec 2026 — 39 stories"


def test_a_batch_heading_names_its_topics_with_their_counts():
    pending = [PendingAlert(11, (story(1, "eba"),)), PendingAlert(12, (story(2, "ngo"),))]
    new = [story(3, "eba"), story(4, "land"), story(5, "eba")]
    messages, replaced = plan_alerts(
        CHAT, new, pending, coalesce_after=3, topic_titles=TITLES, followed=list(TITLES), tr=EN
    )
    [batch] = messages
    assert replaced == [11, 12]
    assert (batch.kind, batch.story_ids) == ("batch", (1, 2, 3, 4, 5))
    assert plain_text(batch.text).startswith(
        "5 new stories: EBA (3), NGO freedoms (1), Land (1)\n\n▍EBA\n\n"
    )


def _whys(text: str) -> list[str]:
    return [line for line in plain_text(text).splitlines() if line.startswith("Why")]


def test_alerts_and_batches_say_why_with_the_chats_topics_only():
    both = replace(
        STORY, id=9, topics=(TopicMatch("eba", ("EBA",)), TopicMatch("land", ("eviction",)))
    )
    [alert], _ = plan_alerts(
        CHAT, [both], [], coalesce_after=3, topic_titles=TITLES, followed=["eba"], tr=EN
    )
    [batch], _ = plan_alerts(
        CHAT,
        [both, story(2, "ngo")],
        [],
        coalesce_after=0,
        topic_titles=TITLES,
        followed=["eba"],
        tr=EN,
        why_titles={"eba": "Trade", "land": "Land"},
    )
    assert (_whys(alert.text), _whys(batch.text)) == (["Why: EBA — EBA"], ["Why: Trade — EBA"])


def test_a_batch_groups_stories_under_the_chats_topics_each_story_once():
    stories = [story(1, "land"), story(2, "eba"), story(3, "land"), story(4, "ngo")]
    both = replace(
        STORY, id=5, topics=(TopicMatch("land", ("eviction",)), TopicMatch("eba", ("EBA",)))
    )
    [batch], _ = plan_alerts(
        CHAT,
        [*stories, both],
        [],
        coalesce_after=0,
        topic_titles=TITLES,
        followed=["eba", "land"],
        tr=EN,
    )
    headers = [line for line in plain_text(batch.text).splitlines() if line.startswith("▍")]
    assert headers == ["▍EBA", "▍Land", "▍Other"]
    assert (
        _whys(batch.text)
        == ["Why: EBA — x", "Why: EBA — EBA; Land — eviction"] + ["Why: Land — x"] * 2
    )
