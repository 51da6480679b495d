"""A Khmer-speaking journalist's whole flow, without a word of English.

Against the Bot API stand-in, from a phone set to Khmer: /start, the language picked, the
topics, /subscribe by the Khmer title (typed with a zero-width space and the other COENG),
/settings typed in Khmer with Khmer digits, /latest, an instant alert, a daily digest,
/privacy and /forget. Every message, edit, button and toast is checked for Latin words,
once the words of the news itself are taken out: story titles, summaries, outlets, authors
and the matched terms (all quoted, never translated), and a few that every language writes
so (``WRITTEN_SO``).
"""

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import update

from news.models import StoredStory
from news.store.chats import count_chat_rows, get_chat
from news.store.listing import latest_stories
from news.store.tables import Chat, Subscription
from tests.bot.conftest import FEEDS
from tests.bot.harness import USER, BotHarness, buttons
from tests.conftest import restamp
from tests.fakes.feed_server import FeedServer
from tests.fakes.telegram import SentRecord
from tests.outbox import feeds_read_before

# Written the same in Khmer text: acronyms in the topic titles, the time zone's IANA name
# and UTC, the other language's name on its own button, and the commands (/start).
WRITTEN_SO = {"EBA", "UTC", "English"}
_KEPT = re.compile(r"/[a-z_]+|\b[A-Za-z]+/[A-Za-z_]+\b")
_LATIN = re.compile(r"[A-Za-z]{2,}")
ZWSP = "\u200b"
EBA_KM = "កម្ពុជា និងប្រព័ន្ធអនុគ្រោះពន្ធ EBA របស់សហភាពអឺរ៉ុប"
PHNOM_PENH = ZoneInfo("Asia/Phnom_Penh")
SECOND_FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Khmer desk</title><link>https://khmer.example/</link>
  <item>
    <title>សហភាពអឺរ៉ុបពិនិត្យប្រព័ន្ធអនុគ្រោះពន្ធ EBA សម្រាប់កម្ពុជាឡើងវិញ</title>
    <link>https://khmer.example/2026/eba-review</link>
    <guid isPermaLink="false">khmer-desk-1</guid>
    <pubDate>Thu, 26 Nov 2026 09:30:00 +0000</pubDate>
    <description>{khmer}</description>
  </item>
  <item>
    <title>EU envoy meets garment unions in Phnom Penh over trade preferences</title>
    <link>https://khmer.example/2026/envoy-unions</link>
    <guid isPermaLink="false">khmer-desk-2</guid>
    <pubDate>Thu, 26 Nov 2026 08:00:00 +0000</pubDate>
    <description>{english}</description>
  </item>
</channel></rss>
""".format(
    khmer="គណៈកម្មការអឺរ៉ុបបាននិយាយថា ខ្លួននឹងពិនិត្យឡើងវិញនូវប្រព័ន្ធអនុគ្រោះពន្ធ EBA "
    "សម្រាប់កម្ពុជា។ រដ្ឋាភិបាលបានឆ្លើយតបថា ការពិនិត្យនេះមិនយុត្តិធម៌។",
    english="The European Union's envoy met union leaders in Phnom Penh to discuss the "
    "Everything But Arms review.",
)


def khmer_digits(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩"))


def news_words(stories: Iterable[StoredStory]) -> list[str]:
    """What the news itself says, quoted as it came: never translated, so taken out first."""
    words = set()
    for story in stories:
        words |= {story.title, story.summary, story.outlet, *story.also_reported_by}
        words |= {story.author or "", story.publisher or ""}
        words |= {term for hit in story.topics for term in hit.terms}
    return sorted((" ".join(w.split()) for w in words if w.strip()), key=len, reverse=True)


def english_in(text: str, quoted: list[str]) -> list[str]:
    """The Latin words of ``text`` once the news and what every language writes so are out."""
    text = " ".join(text.split())
    for words in quoted:
        text = text.replace(words, " ")
    return [w for w in _LATIN.findall(_KEPT.sub(" ", text)) if w not in WRITTEN_SO]


def seen(record: SentRecord) -> list[str]:
    """A message as its reader sees it: its text and every button's label."""
    return [record.text, *(label for label, _ in buttons(record))]


class Reader:
    """Everything the chat was shown, as it came: messages, edits, toasts."""

    def __init__(self, bot: BotHarness) -> None:
        self.bot = bot
        self.toasts: list[str] = []

    async def tap(self, message: SentRecord, data: str, *, edits: bool = True) -> SentRecord:
        edited = await self.bot.tap(message, data, edits=edits)
        self.toasts.append(self.bot.answer_text())
        return edited

    def everything(self) -> list[str]:
        shown = [text for record in self.bot.tg.sent(USER) for text in seen(record)]
        return shown + [toast for toast in self.toasts if toast]


async def stories_in(bot: BotHarness) -> list[StoredStory]:
    slugs = [t.slug for t in bot.services.config.topics]
    return await latest_stories(bot.services.db, slugs, limit=100)


async def made_days_ago(bot: BotHarness, days: int) -> datetime:
    """As if the chat had been made, and its topics followed, ``days`` ago: the alert and
    the digest below then fall in the past, where the sender and the digest tick see them
    due on the real clock. Returns the real clock."""
    now = datetime.now(UTC)
    async with bot.services.db.writing() as session:
        await session.execute(update(Chat).values(created_at=now - timedelta(days=days)))
        await session.execute(update(Subscription).values(since=now - timedelta(days=days)))
    return now


async def test_a_khmer_reader_never_reads_english(bot: BotHarness, feed_server: FeedServer):
    reader = Reader(bot)

    [picker] = await bot.say("/start", language_code="km")
    assert picker.text == "ជ្រើសរើសភាសាដែលខ្ញុំប្រើ៖"
    assert buttons(picker) == [("English", "lang:en:start"), ("✓ ខ្មែរ", "lang:km:start")]
    welcome = await reader.tap(picker, "lang:km:start")
    assert welcome.text.startswith("ព័ត៌មានសង្ខេបសិទ្ធិមនុស្ស ផ្ញើសេចក្ដីសង្ខេបខ្លីៗ")
    assert "ព័ត៌មានសង្ខេបប្រចាំថ្ងៃ នៅម៉ោង ០៨:០០ (Asia/Phnom_Penh)" in welcome.text
    assert buttons(welcome)[0][0] == EBA_KM
    chat = await get_chat(bot.services.db, USER)
    assert chat is not None
    assert (chat.language, chat.native_digits) == ("km", True)

    [help_text] = await bot.say("/help")
    assert help_text.text.startswith("អ្វីដែលខ្ញុំអាចធ្វើបាន\n/start — ការស្វាគមន៍")
    assert "/subscribe ប្រធានបទ — តាមដានប្រធានបទតាមឈ្មោះ" in help_text.text
    [unknown] = await bot.say("/weather")
    assert unknown.text == "ខ្ញុំមិនស្គាល់ពាក្យបញ្ជានេះទេ។ /help បង្ហាញអ្វីដែលខ្ញុំអាចធ្វើបាន។"
    [missing] = await bot.say("/latest ទេសចរណ៍")
    assert missing.text.startswith("គ្មានប្រធានបទឈ្មោះ «ទេសចរណ៍» ទេ។")
    [topics] = await bot.say("/topics")
    assert topics.text.startswith("ប្រធានបទ — ចុចដើម្បីតាមដាន ឬឈប់តាមដាន៖")
    typed = EBA_KM.replace("ប្រព័ន្ធ", f"ប្រព័ន្ធ{ZWSP}").replace("ស្ដ", "ស្ត")
    [followed] = await bot.say(f"/subscribe {typed}")
    assert followed.text.startswith(f"កំពុងតាមដាន {EBA_KM}។")
    [partly] = await bot.say("/subscribe សង្គម\u200bស៊ីវិល")  # part of the other's title
    assert partly.text.startswith("កំពុងតាមដាន សេរីភាពអង្គការមិនមែនរដ្ឋាភិបាល")

    [settings] = await bot.say("/settings ប្រចាំសប្ដាហ៍ សុក្រ ០៩:៣០")
    assert "ការផ្ញើ៖ ព័ត៌មានសង្ខេបប្រចាំសប្ដាហ៍ រៀងរាល់ថ្ងៃសុក្រ នៅម៉ោង ០៩:៣០" in settings.text
    settings = await reader.tap(settings, "s:mode:instant")
    assert settings.text.startswith("ការកំណត់\nការផ្ញើ៖ ការជូនដំណឹងភ្លាមៗ\n")

    now = await made_days_ago(bot, 2)
    first = now - timedelta(hours=2)  # the first poll; the digest falls due 90 minutes later
    feed = restamp((FEEDS / "bhrrc_cambodia.xml").read_bytes(), first - timedelta(minutes=10))
    feed_server.feed("/bhrrc.xml", feed)
    await feeds_read_before(bot.services.db, first - timedelta(hours=1))
    await bot.poll(first)
    [latest] = await bot.say("/latest")
    assert latest.text.startswith("ថ្មីបំផុត ក្នុងប្រធានបទរបស់អ្នក\n\n")

    before = len(bot.tg.sent(USER))
    assert await bot.services.dispatcher.fan_out(first) == 2  # one alert a story
    await bot.wait(lambda: len(bot.tg.sent(USER)) == before + 2)
    alert = bot.tg.sent(USER)[before]
    assert "\nមូលហេតុ៖ " in alert.text
    assert "ច្បាប់ដើម · ក៏ផ្សាយដោយ" in alert.text or "\nច្បាប់ដើម" in alert.text

    # A daily digest, due half an hour ago: the stories the feed brought since the alerts.
    due = (now - timedelta(minutes=30)).astimezone(PHNOM_PENH)
    [daily] = await bot.say(f"/settings ប្រចាំថ្ងៃ {khmer_digits(f'{due:%H:%M}')}")
    assert f"ព័ត៌មានសង្ខេបប្រចាំថ្ងៃ នៅម៉ោង {khmer_digits(f'{due:%H:%M}')}" in daily.text
    feed_server.feed("/bhrrc.xml", restamp(SECOND_FEED.encode(), first + timedelta(minutes=20)))
    await bot.poll(first + timedelta(minutes=30))
    before = len(bot.tg.sent(USER))
    assert await bot.services.dispatcher.digest_tick(now) == 1
    await bot.wait(lambda: len(bot.tg.sent(USER)) == before + 1)
    digest = bot.tg.sent(USER)[before]
    day = f"{due.astimezone(PHNOM_PENH):%d}".lstrip("0").translate(
        str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
    )
    assert digest.text.startswith("ព័ត៌មានសង្ខេបប្រចាំថ្ងៃ ")
    assert f" {day} " in digest.text.split("\n")[0]
    assert digest.text.split("\n")[0].endswith(" — ២ អត្ថបទ")
    assert f"\n\n▍{EBA_KM}\n\n" in digest.text

    [privacy] = await bot.say("/privacy")
    assert privacy.text.startswith("អ្វីដែលខ្ញុំរក្សាទុកអំពីការជជែកនេះ\n")
    assert "ក្រោយ ៧ ថ្ងៃ" in privacy.text
    [confirm] = await bot.say("/forget")
    done = await reader.tap(confirm, "f:yes")
    assert done.text.startswith("រួចរាល់៖ អ្វីៗទាំងអស់ដែលខ្ញុំរក្សាទុកអំពីការជជែកនេះ ត្រូវបានលុប")
    assert await count_chat_rows(bot.services.db, USER) == 0

    quoted = news_words(await stories_in(bot))
    english = {text: words for text in reader.everything() if (words := english_in(text, quoted))}
    assert english == {}


def test_the_checker_finds_english_left_in_khmer_text():
    quoted = news_words([])
    assert english_in("ការកំណត់ Settings\nការផ្ញើ៖ instant alerts", quoted) == [
        "Settings",
        "instant",
        "alerts",
    ]
    assert english_in("ប្ដូរ /settings (Asia/Phnom_Penh, UTC) English EBA ១២", quoted) == []
