"""Authors and hidden characters end to end: a feed polled, its story stored, read and rendered."""

import tomllib
from datetime import UTC, datetime

from sqlalchemy import select

from bot.app import open_services
from news.delivery.render import plain_text, render_story
from news.models import author_names
from news.store.listing import load_stories
from news.store.tables import Story
from tests.conftest import REPO, feed_entry
from tests.languages import EN

TOPICS = tomllib.loads((REPO / "config.example.toml").read_text("utf-8"))["topics"]
T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
LONG = "Sreymom " + "Chanthavong " * 30  # far longer than any name shown
CREATORS = [f"{LONG}{n}" for n in range(3)] + ["\u202eSok &amp;amp; Dara\u200b", "Ly Na"]
# Well-formed XML holds no C0 control: bidi controls and zero-width ones are what get through.
TITLE = "\u202eCambodia\u2066: EU weighs\ufeff Everything But Arms trade preferences\u2069"
FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Ledger</title>'
    f"<item><title>{TITLE}</title><link>https://ledger.example/eba</link>"
    "<description>The EU said the Everything But Arms review of Cambodia would go on."
    "</description>"
    + "".join(f"<dc:creator>{name}</dc:creator>" for name in CREATORS)
    + "<pubDate>Thu, 26 Nov 2026 09:00:00 +0000</pubDate></item></channel></rss>"
).encode()


async def test_many_long_named_authors_are_stored_and_credited(make_config, feed_server):
    url = feed_server.feed("/ledger.xml", FEED)
    async with open_services(make_config([feed_entry("Ledger", url)], topics=TOPICS)) as services:
        await services.poller.poll_due(T0)
        async with services.db.sessions() as session:
            ids = list((await session.scalars(select(Story.id))).all())
        [story] = (await load_stories(services.db, ids)).values()
    names = author_names(story.author)
    assert len(story.author or "") <= 300  # the column's width, on PostgreSQL too
    assert [name[:20] for name in names] == [
        "Sreymom Chanthavong ",
        "Sreymom Chanthavong ",
        "Sreymom Chanthavong ",
        "Sok & Dara",
    ]
    assert story.title == "Cambodia: EU weighs Everything But Arms trade preferences"
    credit = plain_text(render_story(story, UTC, EN)).splitlines()[1]
    assert credit.startswith("Ledger (independent media) · Sreymom Chanthavong")
    assert credit.endswith(" and others · 26 Nov 2026")
    assert credit.count("Sreymom") == 3
