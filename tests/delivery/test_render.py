"""Rendering stories for Telegram: escaping, links, credits, splitting under 4096 UTF-16."""

from dataclasses import replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from news.delivery.render import (
    MAX_MESSAGE,
    Section,
    _render_story,
    batch_heading,
    credit_line,
    distinct_terms,
    fit,
    plain_text,
    render_alert,
    render_batch,
    render_digest,
    render_list,
    render_story,
    utf16_len,
    visible_length,
)
from news.i18n.catalogs import translator
from news.models import AUTHOR_SEPARATOR, StoredStory, TopicMatch
from tests.fakes.telegram import parse_html
from tests.languages import EN, KM

STORY = StoredStory(
    id=1,
    title="EU warns Cambodia over trade preferences",
    summary="The Commission said the review would continue. Unions welcomed it.",
    url="https://www.business-humanrights.org/en/latest-news/eu-warns/",
    original_url="https://www.mekongledger.example/eu-warns",
    context_url="https://www.business-humanrights.org/en/eu-story/#c42",
    outlet="Business & Human Rights Resource Centre",
    author="Sreymom Chan",
    publisher="The Mekong Ledger",
    published=datetime(2026, 11, 23, tzinfo=UTC),
    first_seen=datetime(2026, 11, 24, tzinfo=UTC),
    language="en",
    source_type="ngo",
    also_reported_by=("Kampuchea Weekly",),
    topics=(TopicMatch("cambodia-eba", ("Cambodia", "EBA")),),
)


EBA = (("cambodia-eba", "EBA"),)


def test_a_story_block_has_every_part_and_telegram_accepts_it():
    block = render_story(STORY, UTC, EN, EBA)
    assert block.splitlines() == [
        '<b><a href="https://www.business-humanrights.org/en/eu-story/#c42">'
        "EU warns Cambodia over trade preferences</a></b>",
        "The Mekong Ledger · Sreymom Chan · 23 Nov 2026 — via Business &amp; Human Rights "
        "Resource Centre (NGO)",
        "The Commission said the review would continue. Unions welcomed it.",
        '<a href="https://www.mekongledger.example/eu-warns">Original</a> · also reported by '
        "Kampuchea Weekly",
        "<i>Why: EBA — Cambodia, EBA</i>",
    ]
    parse_html(block)  # the stand-in's strict Telegram HTML rules


def test_hostile_feed_text_is_escaped_not_interpreted():
    hostile = replace(
        STORY,
        title='#include </etc/shadow> <script>alert("x")</script> & co',
        summary="<b>not bold</b> &amp; entities",
        author="<a href='javascript:x'>me</a>",
    )
    block = render_story(hostile, UTC, EN)
    parsed = parse_html(block)
    assert '#include </etc/shadow> <script>alert("x")</script> & co' in parsed.text
    assert "<b>not bold</b> &amp; entities" in parsed.text
    assert "javascript" not in block.split("<i>")[0].split("href=")[-1].split(">")[0]


def test_feed_text_is_shown_on_one_line():
    # As in Macworld's feed: an author name spread over lines by the page's indentation.
    spread = replace(
        STORY,
        title="  EU warns\n Cambodia ",
        author="Macworld Staff,\n\t\t\n\t\tGlenn Fleishman",
        summary="One.\n\nTwo.",
    )
    assert plain_text(render_story(spread, UTC, EN)).splitlines()[:3] == [
        "EU warns Cambodia",
        "The Mekong Ledger · Macworld Staff, Glenn Fleishman · 23 Nov 2026 — via Business & "
        "Human Rights Resource Centre (NGO)",
        "One. Two.",
    ]
    assert plain_text(render_story(replace(STORY, title=" \n"), UTC, EN)).startswith("Untitled\n")


def test_only_http_links_are_emitted():
    odd = replace(STORY, context_url="javascript:alert(1)", url="ftp://x", original_url=None)
    block = render_story(odd, UTC, EN)
    assert "href" not in block
    assert block.startswith("<b>EU warns Cambodia over trade preferences</b>")


def test_the_credit_line_without_a_separate_publisher():
    plain = replace(STORY, publisher=None, author=None)
    assert credit_line(plain, UTC, EN) == (
        "Business &amp; Human Rights Resource Centre (NGO) · 23 Nov 2026"
    )


def test_up_to_three_authors_are_credited_then_and_others():
    def credited(*names: str, tr: object = EN) -> str:
        story = replace(STORY, publisher=None, author=AUTHOR_SEPARATOR.join(names))
        return credit_line(story, UTC, tr).split(" · ")[1]  # type: ignore[arg-type]

    assert credited("Sok Dara") == "Sok Dara"
    assert credited("Sok Dara", "Ly Na", "Kem Sok") == "Sok Dara, Ly Na, Kem Sok"
    assert credited("Sok Dara", "Ly Na", "Kem Sok", "Chan Sophea") == (
        "Sok Dara, Ly Na, Kem Sok and others"
    )
    assert credited("A", "B", "C", "D", tr=KM) == "A, B, C និងអ្នកដទៃទៀត"
    first, second = credited("Name " * 40, "B").split(", ")  # each name clipped alone
    assert (len(first) <= 120, first.endswith("Name…"), second) == (True, True, "B")


def test_a_digest_splits_between_stories_under_the_utf16_limit():
    emoji = "🇰🇭" * 60  # every flag is four UTF-16 code units
    stories = tuple(
        replace(STORY, id=n, title=f"Story {n} {emoji}", summary="Words. " * 40) for n in range(40)
    )
    messages = render_digest((Section("Cambodia EBA", stories),), heading="Daily digest", tr=EN)
    assert len(messages) > 1
    for message in messages:
        assert visible_length(message) <= MAX_MESSAGE
        parse_html(message)
    titles = [line for m in messages for line in plain_text(m).splitlines() if "Story " in line]
    assert len(titles) == 40  # every story once, none cut in half
    assert messages[0].startswith("<b>Daily digest</b> — 40 stories\n\n<b>▍Cambodia EBA</b>\n\n")
    assert messages[1].startswith("<b>▍Cambodia EBA</b> (continued)\n\n<b><a href=")


def test_one_giant_story_is_shortened_to_fit():
    giant = replace(STORY, summary="word " * 5000)
    alert = render_alert(giant, tr=EN)
    assert visible_length(alert) <= MAX_MESSAGE
    assert plain_text(alert).splitlines()[2].endswith("…")


def test_discreet_mode_opens_with_a_neutral_line():
    alert = render_alert(STORY, discreet=True, tr=EN)
    assert alert.splitlines()[0] == "New story"
    [digest] = render_digest((Section("T", (STORY,)),), heading="Fri 27 Nov", discreet=True, tr=EN)
    assert digest.splitlines()[0] == "New story"
    assert digest.splitlines()[1] == "<tg-spoiler><b>Fri 27 Nov</b> — 1 story"
    assert digest.endswith("</tg-spoiler>")
    parse_html(digest)
    two = (Section("T", (STORY, replace(STORY, id=2))),)
    assert render_digest(two, heading="Fri 27 Nov", discreet=True, tr=EN)[0].startswith(
        "New stories\n"
    )


def test_render_list_heading_and_utf16_length():
    [message] = render_list([STORY], heading="Latest <in> your topics", tr=EN)
    assert message.startswith("<b>Latest &lt;in&gt; your topics</b>")
    assert utf16_len("🇰🇭") == 4


def test_fit_cuts_the_longest_line_at_a_word():
    assert (
        fit("short\n" + "long words here " * 10, 40) == "short\nlong words here long words here…"
    )


PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
LATE = replace(STORY, publisher=None, author=None, published=datetime(2020, 2, 11, 18, tzinfo=UTC))


def test_dates_are_the_chats_own():
    # Published 12 Feb 2020 01:00 in Phnom Penh: 11 Feb in UTC.
    assert credit_line(LATE, UTC, EN).endswith(" · 11 Feb 2020")
    assert credit_line(LATE, PHNOM_PENH, EN).endswith(" · 12 Feb 2020")
    assert "12 Feb 2020" in render_alert(LATE, zone=PHNOM_PENH, tr=EN)
    [digest] = render_digest((Section("T", (LATE,)),), heading="D", zone=PHNOM_PENH, tr=EN)
    assert "12 Feb 2020" in digest
    [listed] = render_list([LATE], heading="Latest", zone=PHNOM_PENH, tr=EN)
    assert "12 Feb 2020" in listed
    assert credit_line(
        replace(LATE, published=datetime(2020, 2, 1, tzinfo=UTC)), UTC, EN
    ).endswith(" · 1 Feb 2020")


def test_a_story_is_rendered_once_per_zone_and_language_not_once_per_chat():
    story = replace(LATE, id=991)
    _render_story.cache_clear()
    for _ in range(1000):
        for zone in (UTC, PHNOM_PENH):
            for tr in (EN, KM, translator("km")):  # the same language: the same Translator
                render_story(story, zone, tr)
    info = _render_story.cache_info()
    assert (info.misses, info.hits) == (4, 5996)


def test_a_story_in_khmer_keeps_its_own_words_and_translates_the_rest():
    block = render_story(STORY, UTC, KM, (("cambodia-eba", "EBA"),))
    assert block.splitlines() == [
        '<b><a href="https://www.business-humanrights.org/en/eu-story/#c42">'
        "EU warns Cambodia over trade preferences</a></b>",
        "The Mekong Ledger · Sreymom Chan · ២៣ វិច្ឆិកា ២០២៦ — តាមរយៈ Business &amp; Human "
        "Rights Resource Centre (អង្គការមិនមែនរដ្ឋាភិបាល)",
        "The Commission said the review would continue. Unions welcomed it.",
        '<a href="https://www.mekongledger.example/eu-warns">ច្បាប់ដើម</a> · ក៏ផ្សាយដោយ '
        "Kampuchea Weekly",
        "<i>មូលហេតុ៖ EBA — Cambodia, EBA</i>",
    ]
    parse_html(block)


def stories_of(topic: str, count: int, first_id: int) -> tuple[StoredStory, ...]:
    words = "Words with a date. " * 17
    return tuple(
        replace(STORY, id=first_id + n, title=f"{topic} story {n}", summary=words)
        for n in range(count)
    )


def paragraphs(message: str) -> list[str]:
    return plain_text(message).split("\n\n")


def test_every_message_of_a_digest_opens_with_its_topic_header():
    sections = (
        Section("EBA", stories_of("EBA", 3, 100)),
        Section("NGO freedoms", stories_of("NGO", 14, 200)),
        Section("Land", stories_of("Land", 1, 300)),
    )
    messages = render_digest(sections, heading="Daily digest, Mon 7 Dec 2026", tr=EN)
    assert [paragraphs(m)[0] for m in messages] == [
        "Daily digest, Mon 7 Dec 2026 — 18 stories",
        "▍NGO freedoms (continued)",
        "▍NGO freedoms (continued)",
    ]
    assert paragraphs(messages[0])[1] == "▍EBA"
    for message in messages:
        assert visible_length(message) <= MAX_MESSAGE - 64
        parts = paragraphs(message)
        headers = [i for i, part in enumerate(parts) if part.startswith("▍")]
        assert all(i + 1 < len(parts) and not parts[i + 1].startswith("▍") for i in headers)
    shown = [p.split("\n")[0] for m in messages for p in paragraphs(m) if " story " in p]
    assert shown == [s.title for section in sections for s in section.stories]


def test_a_full_discreet_digest_stays_under_the_limit_wrapper_included():
    sections = (Section("EBA", stories_of("🇰🇭" * 20, 30, 400)),)
    plain = render_digest(sections, heading="Mon 7 Dec 2026", tr=EN)
    hidden = render_digest(sections, heading="Mon 7 Dec 2026", discreet=True, tr=EN)
    assert len(hidden) >= len(plain) > 1
    for message in hidden:
        assert visible_length(message) <= MAX_MESSAGE - 64
        assert message.startswith("New stories\n<tg-spoiler><b>")
        parse_html(message)


def test_a_batch_says_which_topics_and_how_many():
    sections = (Section("EBA", stories_of("EBA", 3, 500)), Section("NGO", stories_of("N", 2, 600)))
    [batch] = render_batch(sections, tr=EN)
    assert paragraphs(batch)[:2] == ["5 new stories: EBA (3), NGO (2)", "▍EBA"]
    assert batch_heading(sections[:1], EN) == "<b>3 new stories</b>: EBA (3)"
    one = (Section("EBA", stories_of("EBA", 1, 700)),)
    assert plain_text(batch_heading(one, EN)) == "1 new story: EBA (1)"


def test_a_batch_heading_of_thirty_long_topics_names_a_few_and_counts_the_rest():
    sections = tuple(
        Section(f"Topic {n} " + "with a long & <odd> title " * 5, stories_of("T", 1, 800 + n))
        for n in range(30)
    )
    heading = plain_text(batch_heading(sections, EN))
    assert heading.startswith("30 new stories: Topic 0 with a long & <odd> title")
    assert heading.endswith(" …and 29 more topics")
    assert len(heading) < 250
    assert plain_text(batch_heading(sections[:2], EN)).endswith("…and 1 more topic")


TWO_TOPICS = replace(
    STORY,
    id=77,
    topics=(
        TopicMatch("cambodia-eba", ("Everything But Arms", "EBA")),
        TopicMatch("cambodia-civil-society", ("Cambodia", "LICADHO")),
        TopicMatch("labour-rights", ("minimum wage",)),
    ),
)
FOLLOWED = (("cambodia-eba", "EBA"), ("cambodia-civil-society", "NGO freedoms"))


def _why_line(block: str) -> str:
    return plain_text(block.splitlines()[-1])


def test_why_names_each_followed_topic_with_only_its_own_terms():
    block = render_story(TWO_TOPICS, UTC, EN, FOLLOWED)
    assert _why_line(block) == (
        "Why: EBA — Everything But Arms, EBA; NGO freedoms — Cambodia, LICADHO"
    )


def test_why_never_shows_a_topic_the_reader_does_not_follow():
    block = render_story(TWO_TOPICS, UTC, EN, (("cambodia-eba", "EBA"),))
    assert _why_line(block) == "Why: EBA — Everything But Arms, EBA"
    nothing_followed = render_story(TWO_TOPICS, UTC, EN, (("land-rights", "Land"),))
    assert "Why" not in plain_text(nothing_followed)


def test_a_digest_shows_each_chats_own_why():
    sections = (Section("EBA", (TWO_TOPICS,)),)
    [one] = render_digest(sections, heading="D", tr=EN, names=(("cambodia-eba", "EBA"),))
    [both] = render_digest(sections, heading="D", tr=EN, names=FOLLOWED)
    assert (_why_line(one), _why_line(both)) == (
        "Why: EBA — Everything But Arms, EBA",
        "Why: EBA — Everything But Arms, EBA; NGO freedoms — Cambodia, LICADHO",
    )


def test_why_shows_a_few_terms_of_each_topic():
    many = replace(
        TWO_TOPICS,
        id=78,
        topics=(
            TopicMatch("cambodia-eba", tuple(f"t{n}" for n in range(30))),
            TopicMatch("cambodia-civil-society", ("LICADHO",)),
        ),
    )
    assert _why_line(render_story(many, UTC, EN, FOLLOWED)) == (
        "Why: EBA — t0, t1, t2, t3, t4…; NGO freedoms — LICADHO"
    )


def test_why_says_each_thing_once():
    repeated = replace(
        TWO_TOPICS,
        id=79,
        topics=(
            TopicMatch(
                "cambodia-eba", ("jailed", "jail", "jail term", "arrests", "arrested", "EBA")
            ),
        ),
    )
    assert (
        _why_line(render_story(repeated, UTC, EN, FOLLOWED)) == "Why: EBA — jailed, arrests, EBA"
    )


def test_distinct_terms_keep_different_things_apart():
    assert distinct_terms(["human rights", "Human Rights Watch", "land rights", "land grab"]) == [
        "human rights",
        "land rights",
        "land grab",
    ]
    assert distinct_terms(["Everything But Arms", "EBA", "EU", "Cambodia"]) == [
        "Everything But Arms",
        "EBA",
        "EU",
        "Cambodia",
    ]
    # Khmer is written without spaces between words: a term inside another is the same thing.
    assert distinct_terms(["សង្គមស៊ីវិល", "អង្គការសង្គមស៊ីវិល", "អង្គការ"]) == ["សង្គមស៊ីវិល", "អង្គការ"]
    assert distinct_terms(["", "EBA"]) == ["", "EBA"]
