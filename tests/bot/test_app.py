"""The real PTB application against the loopback Bot API stand-in and a real SQLite file."""

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.commands import ADMIN as ADMIN_COMMANDS
from bot.commands import COMMANDS, DESCRIPTION, PUBLIC, SHORT_DESCRIPTION
from bot.handlers.errors import HINT
from bot.logs import QUIET, configure_logging
from news.store.chats import count_chat_rows, get_chat
from tests.bot.harness import ADMIN, USER, BotHarness, buttons, running_bot
from tests.conftest import REPO
from tests.languages import EN

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


async def test_start_topic_button_then_latest_shows_the_story_in_context(bot: BotHarness):
    welcome = await bot.begin()
    assert "Rights Digest" in welcome.text
    assert "/forget" in welcome.text
    labels = dict(buttons(welcome))
    assert "Cambodia and the EU's Everything But Arms preferences" in labels
    edited = await bot.tap(welcome, "t:cambodia-eba")
    assert ("✓ Cambodia and the EU's Everything But Arms preferences", "t:cambodia-eba") in (
        buttons(edited)
    )
    assert "Following" in bot.answer_text()
    await bot.poll(NOW)
    [latest] = await bot.say("/latest")
    assert "EU trade commissioner says Everything But Arms preferences" in latest.text
    assert (
        'href="https://www.business-humanrights.org/en/latest-news/'
        'cambodia-eu-trade-commissioner-eba-review/"' in latest.html
    )
    assert 'href="https://www.mekongledger.example/politics/2026/11/' in latest.html
    assert "utm_" not in latest.html
    assert "NGOs say new registration checks" not in latest.text  # another topic
    assert "Why: " in latest.text


async def test_settings_persist_across_a_restart(tg, bot_config):
    async with running_bot(tg, bot_config) as bot:
        [reply] = await bot.say("/settings daily 07:30 Asia/Bangkok")
        assert "a daily digest at 07:30 (Asia/Bangkok)" in reply.text
        reply = await bot.tap(reply, "s:discreet")
        assert "Discreet mode: on" in reply.text
    async with running_bot(tg, bot_config) as bot:
        [reply] = await bot.say("/settings")
        assert "a daily digest at 07:30 (Asia/Bangkok)" in reply.text
        assert "Discreet mode: on" in reply.text
        chat = await get_chat(bot.services.db, USER)
        assert chat is not None
        assert (chat.mode, chat.digest_time, chat.timezone, chat.discreet) == (
            "daily",
            "07:30",
            "Asia/Bangkok",
            True,
        )


async def test_settings_buttons_change_mode_hour_and_zone(bot: BotHarness):
    [reply] = await bot.say("/settings")
    reply = await bot.tap(reply, "s:mode:weekly")
    reply = await bot.tap(reply, "s:hour:+1")
    reply = await bot.tap(reply, "s:day:+1")
    reply = await bot.tap(reply, "s:tz:Europe/Brussels")
    assert "a weekly digest on Tuesday at 09:00 (Europe/Brussels)" in reply.text


async def test_new_chats_start_with_the_config_defaults(bot: BotHarness):
    await bot.say("/start")
    chat = await get_chat(bot.services.db, USER)
    assert chat is not None
    assert (chat.mode, chat.digest_time, chat.timezone) == ("daily", "08:00", "Asia/Phnom_Penh")


async def test_forget_leaves_no_row_for_the_chat(bot: BotHarness):
    await bot.say("/subscribe EBA")
    await bot.say("/settings instant")
    assert await count_chat_rows(bot.services.db, USER) == 2
    [confirm] = await bot.say("/forget")
    done = await bot.tap(confirm, "f:yes")
    assert "everything I stored about this chat is erased" in done.text
    assert await count_chat_rows(bot.services.db, USER) == 0


async def test_forget_can_be_cancelled(bot: BotHarness):
    await bot.say("/subscribe EBA")
    [confirm] = await bot.say("/forget")
    cancelled = await bot.tap(confirm, "f:no")
    assert cancelled.text == "Nothing was erased."
    assert await count_chat_rows(bot.services.db, USER) == 2


async def test_subscribe_by_title_slug_or_close_name(bot: BotHarness):
    [reply] = await bot.say("/subscribe ngo and civil-society freedoms in cambodia")
    assert "Following NGO and civil-society freedoms in Cambodia" in reply.text
    [reply] = await bot.say("/subscribe cambodia-eba")
    assert "Following Cambodia and the EU" in reply.text
    [reply] = await bot.say("/subscribe cambodia-eba")
    assert reply.text.startswith("Already following")
    [reply] = await bot.say("/subscribe cambodja")
    assert "No topic called “cambodja”. Did you mean:" in reply.text
    assert "cambodia-eba" in reply.text
    [reply] = await bot.say("/unsubscribe EBA")
    assert reply.text.startswith("Stopped following Cambodia and the EU")


async def test_a_known_chat_is_answered_while_a_poll_cycle_holds_the_write_lock(
    bot: BotHarness,
):
    await bot.say("/start")  # the chat is known from now on
    async with bot.services.db.write_lock:  # a poll cycle storing a feed, say
        [reply] = await bot.say("/latest")
    assert "No matching stories yet" in reply.text
    new_chat = asyncio.ensure_future(bot.say("/latest", chat_id=USER + 1))
    for _ in range(20):
        await asyncio.sleep(0)
    assert not new_chat.done()  # a chat seen for the first time is written, so it waits
    [first] = await new_chat
    assert "No matching stories yet" in first.text


@pytest.mark.parametrize(
    "argument",
    [
        "x" * 10_000,
        "9" * 4_090,  # a count that fills a message
        "\u00b2",  # "²": a digit to str.isdigit, not to int()
        "\x00\x07\x1b[31m",
        "<b>bold</b> & <script>alert(1)</script>",
        "\u202eevil\u202c",  # right-to-left override
        "សង្គមស៊ីវិល",
        "",
    ],
)
@pytest.mark.parametrize("command", ["subscribe", "unsubscribe", "latest", "settings"])
async def test_strange_arguments_get_a_clear_reply(bot: BotHarness, caplog, command, argument):
    caplog.set_level(logging.INFO)
    [reply] = await bot.say(f"/{command} {argument}")
    assert "something went wrong" not in reply.text
    assert len(reply.text) < 1500
    assert "<script>" not in reply.html
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_html_in_arguments_is_escaped_when_echoed(bot: BotHarness):
    [reply] = await bot.say("/subscribe <b>x</b>")
    assert "No topic called “<b>x</b>”" in reply.text
    assert "&lt;b&gt;x&lt;/b&gt;" in reply.html


async def test_latest_counts_and_unknown_topics(bot: BotHarness):
    await bot.poll(NOW)
    [reply] = await bot.say("/latest cambodia-civil-society 1")
    assert "NGOs say new registration checks" in reply.text
    [reply] = await bot.say("/latest 50")
    assert "I show at most 10" in reply.text
    assert "You don't follow any topic yet" in reply.text
    [reply] = await bot.say("/latest weather")
    assert reply.text.startswith("No topic called “weather”")


async def test_admin_commands_are_refused_to_others(bot: BotHarness):
    for command in ("/reload", "/stats", "/feeds"):
        [reply] = await bot.say(command)
        assert reply.text == "I don't know that command. /help lists what I can do."


async def test_admin_feeds_and_stats(bot: BotHarness):
    await bot.poll(NOW)
    await bot.say("/subscribe EBA")
    [feeds] = await bot.say("/feeds", chat_id=ADMIN)
    assert "Business & Human Rights Resource Centre — ok" in feeds.text
    assert "⚠ fetched over plain http" in feeds.text  # the loopback feed server is plain http
    [stats] = await bot.say("/stats", chat_id=ADMIN)
    assert "Cambodia and the EU's Everything But Arms preferences: 1" in stats.text
    assert str(USER) not in stats.text  # counts only, never who


async def test_reload_keeps_the_running_config_when_the_new_one_is_broken(
    tg, bot_config, tmp_path
):
    path = tmp_path / "config.toml"
    path.write_text('[polling]\nevery = "fast"\n', encoding="utf-8")
    async with running_bot(tg, bot_config, config_path=path) as bot:
        [reply] = await bot.say("/reload", chat_id=ADMIN)
        assert "Config not reloaded; still running the old one." in reply.text
        assert 'polling.every: expected a duration like "15m", got "fast"' in reply.text
        assert bot.services.config is bot_config
        path.write_text(
            f'[telegram]\napi_base_url = "{tg.base_url}"\nadmins = [{ADMIN}]\n'
            f'[storage]\ndatabase_url = "{bot_config.storage.database_url}"\n',
            encoding="utf-8",
        )
        [reply] = await bot.say("/reload", chat_id=ADMIN)
        assert reply.text == "Config reloaded: 0 feeds, 0 topics."


async def test_a_reload_with_hundreds_of_mistakes_shows_the_first_ten_and_a_count(
    tg, bot_config, tmp_path
):
    path = tmp_path / "config.toml"
    feeds = "".join(
        f'[[feeds]]\nname = "F{n}"\nurl = "https://e.org/{n}"\ntype = "ngo"\n'
        f'every = "{"x" * 500}"\n'
        for n in range(300)
    )
    path.write_text(feeds, encoding="utf-8")
    async with running_bot(tg, bot_config, config_path=path) as bot:
        [reply] = await bot.say("/reload", chat_id=ADMIN)
    assert reply.text.startswith("Config not reloaded; still running the old one.")
    assert "feeds[0].every: expected a duration" in reply.text
    assert "feeds[9].every" in reply.text
    assert "feeds[10].every" not in reply.text
    assert reply.text.endswith("…and 290 more")


async def test_in_a_group_only_administrators_change_subscriptions(bot: BotHarness):
    group = -100123
    bot.tg.add_chat(group, "supergroup", admins=[ADMIN], members=[USER])
    [refused] = await bot.say(
        "/subscribe@rights_digest_test_bot EBA",
        chat_id=group,
        user_id=USER,
        chat_type="supergroup",
    )
    assert refused.text == "Only this group's administrators can change what it follows."
    notice, reply = await bot.say(
        "/subscribe EBA", chat_id=group, user_id=ADMIN, chat_type="supergroup", replies=2
    )
    assert "every member can see which topics it follows" in notice.text
    assert reply.text.startswith("Following Cambodia and the EU")
    [menu] = await bot.say("/topics", chat_id=group, user_id=USER, chat_type="supergroup")
    await bot.tap(menu, "t:cambodia-civil-society", user_id=USER, edits=False)
    assert bot.answer_text() == "Only this group's administrators can change what it follows."
    [reply] = await bot.say("/latest", chat_id=group, user_id=USER, chat_type="supergroup")
    assert "something went wrong" not in reply.text  # reading is for everyone


async def test_blocking_the_bot_marks_the_chat_inactive(bot: BotHarness):
    await bot.say("/start")
    bot.tg.push_my_chat_member(USER, USER, "member", "kicked")

    async def inactive() -> bool:
        chat = await get_chat(bot.services.db, USER)
        return chat is not None and not chat.active

    await bot.eventually(inactive)


async def test_help_and_the_command_menu_follow_the_commands_table(bot: BotHarness):
    [public_help] = await bot.say("/help")
    [admin_help] = await bot.say("/help", chat_id=ADMIN)
    for command in PUBLIC:
        assert f"{command.synopsis(EN)} — {command.description}" in public_help.text
    for command in ADMIN_COMMANDS:
        assert command.synopsis(EN) not in public_help.text
        assert f"{command.synopsis(EN)} — {command.description}" in admin_help.text
    menu = {c["command"]: c["description"] for c in bot.tg.commands()}
    assert menu == {c.name: c.description for c in PUBLIC}
    admin_menu = bot.tg.commands(scope={"type": "chat", "chat_id": ADMIN})
    assert {c["command"] for c in admin_menu} == {c.name for c in COMMANDS}


async def test_a_new_users_empty_chat_says_what_the_bot_is(bot: BotHarness):
    # Telegram shows the description before /start, and the short one on the profile page.
    assert bot.tg.profile_text("description") == DESCRIPTION
    assert bot.tg.profile_text("short_description") == SHORT_DESCRIPTION
    assert "no messages" in DESCRIPTION  # what it keeps, said before anyone starts it


@pytest.mark.parametrize("text", ["hello", "what is new in Cambodia?", "ស្ដី"])
async def test_plain_text_in_a_private_chat_gets_a_hint(bot: BotHarness, text: str):
    [reply] = await bot.say(text)
    assert reply.text == HINT


async def test_plain_text_in_a_group_gets_no_answer(bot: BotHarness):
    group = -100777
    bot.tg.add_chat(group, "supergroup", admins=[ADMIN], members=[USER])
    bot.tg.push_message(group, USER, "hello everyone", chat_type="supergroup")
    [reply] = await bot.say("/help", chat_id=group, user_id=USER, chat_type="supergroup")
    assert [s.text for s in bot.tg.sent(group)] == [reply.text]  # only /help was answered


def test_the_readme_lists_every_command():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in COMMANDS:
        assert f"| `{command.synopsis(EN)}` | {command.description} |" in readme


@pytest.fixture
def production_logging() -> Iterator[None]:
    """The CLI's logging setup (verbose), undone afterwards."""
    saved = {name: logging.getLogger(name).level for name in ("", *QUIET)}
    configure_logging(verbose=True)
    yield
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


async def test_logs_never_contain_message_text_or_the_token(
    bot: BotHarness, caplog, production_logging
):
    caplog.set_level(logging.DEBUG)
    for name in QUIET:  # caplog must not lower what the CLI raised
        logging.getLogger(name).setLevel(logging.WARNING)
    secret = "meeting-with-source-at-the-river"
    await bot.say(f"/subscribe {secret}")
    await bot.say("/latest")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert secret not in text
    assert bot.tg.token not in text
    assert bot.tg.token.split(":")[1] not in text


async def test_silent_and_quiet_hours_are_a_tap_or_a_word_away(bot: BotHarness):
    [reply] = await bot.say("/settings")
    assert "Silent: off\nQuiet hours: off" in reply.text
    reply = await bot.tap(reply, "s:silent")
    reply = await bot.tap(reply, "s:quiet")
    assert "Silent: on: pushes arrive without sound" in reply.text
    assert "Quiet hours: 22:00-07:00 (Asia/Phnom_Penh)" in reply.text
    [reply] = await bot.say("/settings quiet 23:30-6:15 silent off")
    assert "Silent: off\nQuiet hours: 23:30-06:15" in reply.text
    [reply] = await bot.say("/settings quiet never")
    assert reply.text.startswith("I didn't understand “quiet never”")
    chat = await get_chat(bot.services.db, USER)
    assert chat is not None
    assert (chat.silent, chat.quiet_hours) == (False, "23:30-06:15")
