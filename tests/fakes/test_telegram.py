"""Tests of the fake Bot API: driven over HTTP by PTB's real Bot and Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import AsyncIterator, Iterator

import aiohttp
import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.ext import (
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)
from telegram.request import HTTPXRequest

from tests.fakes.telegram import FakeTelegram, utf16_len

USER = 1001


class FakeClock:
    """A clock the test moves by hand, so rate windows need no sleeping."""

    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def tg(clock: FakeClock) -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=clock) as fake:
        fake.add_chat(USER)
        yield fake


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(tg.token, base_url=f"{tg.base_url}/bot") as real_bot:
        yield real_bot


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after is an int or a timedelta depending on PTB_TIMEDELTA."""
    value = error.retry_after
    return value if isinstance(value, int | float) else value.total_seconds()


# ---- identity, envelope, routing -------------------------------------------------------------


async def test_get_me_reports_the_bot(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7000001, "rights_digest_test_bot", True)
    assert me.can_join_groups is True
    assert tg.token.startswith("7000001:")
    assert len(tg.token.split(":")[1]) == 35


async def test_unknown_method_is_404_with_the_json_envelope(tg: FakeTelegram, bot: Bot) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{tg.base_url}/bot{tg.token}/noSuchMethod")
    assert response.status_code == 404
    assert response.json() == {
        "ok": False,
        "error_code": 404,
        "description": "Not Found: method not found",
    }
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")


async def test_wrong_token_is_401_and_ptb_raises_invalid_token(tg: FakeTelegram) -> None:
    other = "7000001:" + "B" * 35
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with Bot(other, base_url=f"{tg.base_url}/bot"):
            pass
    assert tg.count("getMe", status=401) == 1


async def test_method_names_are_case_insensitive_and_json_bodies_work(tg: FakeTelegram) -> None:
    async with httpx.AsyncClient() as client:
        url = f"{tg.base_url}/bot{tg.token}/SENDMESSAGE"
        response = await client.post(url, json={"chat_id": USER, "text": "json body"})
        query = await client.get(f"{tg.base_url}/bot{tg.token}/getme")
    assert response.status_code == 200
    assert response.json()["result"]["text"] == "json body"
    assert query.json()["result"]["id"] == 7000001
    assert tg.count("sendMessage", status=200) == 1


async def test_query_string_and_multipart_parameters(tg: FakeTelegram, clock: FakeClock) -> None:
    base = f"{tg.base_url}/bot{tg.token}/sendMessage"
    async with httpx.AsyncClient() as client:
        query = await client.get(base, params={"chat_id": USER, "text": "from the query"})
        clock.advance(1.0)
        files = {"unused": ("a.txt", b"file body")}
        form = {"chat_id": str(USER), "text": "multipart", "disable_notification": "true"}
        multipart = await client.post(base, data=form, files=files)
    assert (query.status_code, multipart.status_code) == (200, 200)
    assert [r.text for r in tg.sent(USER)] == ["from the query", "multipart"]
    assert tg.sent(USER)[1].disable_notification is True


# ---- sending and validation ------------------------------------------------------------------


async def test_send_message_returns_a_full_message(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = False
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="more:42")]])
    first = await bot.send_message(
        USER,
        '<b>Digest</b> &amp; <a href="https://example.org/?a=1&amp;b=2">link</a>',
        parse_mode="HTML",
        reply_markup=keyboard,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        disable_notification=True,
    )
    second = await bot.send_message(USER, "plain")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.chat.id == USER
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert first.text == "Digest & link"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        ("bold", 0, 6),
        ("text_link", 9, 4),
    ]
    assert first.entities[1].url == "https://example.org/?a=1&b=2"
    assert first.reply_markup == keyboard
    assert first.link_preview_options == LinkPreviewOptions(is_disabled=True)
    record = tg.sent(USER)[0]
    assert record.text == "Digest & link"
    assert record.html.startswith("<b>Digest</b>")
    assert record.parse_mode == "HTML"
    assert record.disable_notification is True
    assert record.reply_markup == keyboard.to_dict()
    assert record.link_preview_options == {"is_disabled": True}


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<p>news</p>", 'unsupported start tag "p" at byte offset 0'),
        ("<b>bold", 'can\'t find end tag corresponding to start tag "b"'),
        ("text</b>", "unexpected end tag at byte offset 4"),
        ("<b><i>x</b></i>", "unmatched end tag at byte offset 7"),
        ("1 < 2", "character '<' is reserved"),
        ("Tom & Jerry", "character '&' is reserved"),
        ("a&nbsp;b", 'unsupported html entity "&nbsp;" at byte offset 1'),
        ('<a href="javascript:alert(1)">x</a>', 'unsupported url "javascript:alert(1)"'),
    ],
)
async def test_bad_html_is_a_bad_request(bot: Bot, html: str, reason: str) -> None:
    with pytest.raises(BadRequest) as caught:
        await bot.send_message(USER, html, parse_mode="HTML")
    # PTB drops "Bad Request: " and capitalises the rest, which lowers everything after it.
    assert str(caught.value).startswith(f"Can't parse entities: {reason}")


async def test_length_is_counted_in_utf16_units_after_parsing(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = False
    assert (await bot.send_message(USER, "a" * 4096)).text == "a" * 4096
    tagged = await bot.send_message(USER, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    assert tagged.text is not None
    assert len(tagged.text) == 4096
    astral = "😀" * 2049  # 2049 characters, 4098 UTF-16 code units
    assert len(astral) <= 4096 < utf16_len(astral)
    for too_long in ("a" * 4097, astral):
        with pytest.raises(BadRequest, match="Message is too long"):
            await bot.send_message(USER, too_long)


@pytest.mark.parametrize("text", ["<b></b>", "   \n ", "<i> </i>"])
async def test_empty_text_after_parsing_is_refused(bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(USER, text, parse_mode="HTML")


async def test_callback_data_over_64_bytes_is_refused(tg: FakeTelegram, bot: Bot) -> None:
    button = InlineKeyboardButton("x", callback_data="é" * 33)  # 66 bytes
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(USER, "x", reply_markup=InlineKeyboardMarkup([[button]]))
    assert tg.sent() == []


async def test_edit_message_text_and_not_modified(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = False
    sent = await bot.send_message(USER, "old")
    edited = await bot.edit_message_text("<i>new</i>", USER, sent.message_id, parse_mode="HTML")
    assert isinstance(edited, type(sent))
    assert edited.text == "new"
    assert [r.method for r in tg.sent(USER)] == ["sendMessage", "editMessageText"]
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("<i>new</i>", USER, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


# ---- faults ----------------------------------------------------------------------------------


async def test_flood_raises_retry_after(tg: FakeTelegram, bot: Bot) -> None:
    tg.flood(USER, retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "x")
    assert retry_seconds(caught.value) == 7
    assert (await bot.send_message(USER, "again")).text == "again"  # one-shot
    assert tg.count("sendMessage", status=429) == 1


async def test_chat_states_raise_forbidden(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_chat(-500, "supergroup", title="Team")
    tg.add_chat(2002)
    tg.block(USER)
    tg.deactivate(2002)
    tg.kick(-500)
    cases = [
        (USER, "Forbidden: bot was blocked by the user"),
        (2002, "Forbidden: user is deactivated"),
        (-500, "Forbidden: bot was kicked from the supergroup chat"),
    ]
    for chat_id, message in cases:
        with pytest.raises(Forbidden) as caught:
            await bot.send_message(chat_id, "x")
        assert str(caught.value) == message
    tg.restore(USER)
    assert (await bot.send_message(USER, "back")).text == "back"


async def test_unknown_and_forgotten_chats_are_not_found(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(424242, "x")
    tg.forget_chat(USER)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.get_chat(USER)


async def test_migrate_raises_chat_migrated_and_the_new_id_works(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.add_chat(-42, "group", title="Old group", admins=(USER,))
    tg.migrate(-42, -1001234567890)
    with pytest.raises(ChatMigrated) as caught:
        await bot.send_message(-42, "x")
    assert caught.value.new_chat_id == -1001234567890
    moved = await bot.send_message(-1001234567890, "hello supergroup")
    assert moved.chat.type == "supergroup"
    assert moved.chat.title == "Old group"


async def test_transport_faults_map_to_ptb_errors(tg: FakeTelegram) -> None:
    tg.enforce_limits = False
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(tg.token, base_url=f"{tg.base_url}/bot", request=request) as bot:
        tg.slow_next("sendMessage", 3.0, deliver=True)
        with pytest.raises(TimedOut):
            await bot.send_message(USER, "late")
        tg.drop_next("sendMessage")
        with pytest.raises(NetworkError, match="disconnected"):
            await bot.send_message(USER, "dropped")
        tg.server_error("sendMessage", status=502)
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER, "502")
        tg.fail_next("sendMessage", status=500, description="Internal Server Error")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(USER, "500")
        tg.garble_next("getMe")
        with pytest.raises(TelegramError, match="Invalid server response"):
            await bot.get_me()
    # Delivered although the client timed out: the case that makes resending risky.
    assert [r.text for r in tg.sent(USER)] == ["late"]
    assert tg.count("sendMessage", status=0) == 1


# ---- rate limits, on an injected clock -------------------------------------------------------


async def test_private_chat_limit_is_one_per_second(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    await bot.send_message(USER, "first")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(USER, "second")
    assert retry_seconds(caught.value) == 1
    clock.advance(0.99)
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "still too soon")
    clock.advance(0.01)
    assert (await bot.send_message(USER, "a second later")).text == "a second later"


async def test_burst_tolerance_allows_extra_sends(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    tg.chat_burst = 2
    for n in range(3):
        await bot.send_message(USER, f"burst {n}")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "one too many")


async def test_group_limit_is_twenty_per_minute(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    tg.add_chat(-77, "group", title="Group")
    for n in range(20):
        await bot.send_message(-77, f"post {n}")
        clock.advance(1.0)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(-77, "21st")
    assert retry_seconds(caught.value) == 40  # the first post leaves the window at t=60


async def test_global_limit_is_thirty_per_second(tg: FakeTelegram, bot: Bot) -> None:
    tg.implicit_chats = True
    await asyncio.gather(*(bot.send_message(10_000 + n, "hi") for n in range(30)))
    with pytest.raises(RetryAfter):
        await bot.send_message(20_000, "31st")
    assert tg.count("sendMessage", status=200) == 30


async def test_edits_count_against_the_chat_limit(
    tg: FakeTelegram, bot: Bot, clock: FakeClock
) -> None:
    sent = await bot.send_message(USER, "v1")
    with pytest.raises(RetryAfter):
        await bot.edit_message_text("v2", USER, sent.message_id)
    clock.advance(1.0)
    await bot.edit_message_text("v2", USER, sent.message_id)


# ---- updates and the Application -------------------------------------------------------------


async def test_long_poll_returns_a_pushed_command(tg: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await tg.await_for(lambda: tg.pollers == 1)
    update_id = tg.push_message(USER, USER, "/start@rights_digest_test_bot hello")
    updates = await asyncio.wait_for(poll, 5)
    assert [u.update_id for u in updates] == [update_id]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start@rights_digest_test_bot hello"
    entity = message.entities[0]
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 29)
    # Unconfirmed updates come back; an offset past them confirms them.
    assert len(await bot.get_updates()) == 1
    assert await bot.get_updates(offset=update_id + 1) == ()


async def test_negative_offset_keeps_the_last_updates(tg: FakeTelegram, bot: Bot) -> None:
    ids = [tg.push_message(USER, USER, f"m{n}") for n in range(5)]
    assert [u.update_id for u in await bot.get_updates(offset=-2)] == ids[-2:]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[-2:-1]


async def test_allowed_updates_drop_other_kinds(tg: FakeTelegram, bot: Bot) -> None:
    await bot.get_updates(allowed_updates=["callback_query"])
    tg.push_message(USER, USER, "ignored")
    assert await bot.get_updates() == ()


async def test_a_newer_get_updates_terminates_the_waiting_one(tg: FakeTelegram) -> None:
    async with (
        Bot(tg.token, base_url=f"{tg.base_url}/bot") as first,
        Bot(tg.token, base_url=f"{tg.base_url}/bot") as second,
    ):
        waiting = asyncio.create_task(first.get_updates(timeout=10))
        await tg.await_for(lambda: tg.pollers == 1)
        assert await second.get_updates(timeout=0) == ()
        with pytest.raises(Conflict, match="terminated by other getUpdates request"):
            await asyncio.wait_for(waiting, 5)


async def test_application_runs_a_command_handler(tg: FakeTelegram) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_html("<b>Welcome</b>")

    app = ApplicationBuilder().token(tg.token).base_url(f"{tg.base_url}/bot").build()
    app.add_handler(CommandHandler("start", start))
    tg.push_message(USER, USER, "/start")
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5)  # type: ignore[union-attr]
        replies = await tg.await_for(lambda: tg.sent(USER))
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
    assert replies[0].text == "Welcome"
    assert replies[0].html == "<b>Welcome</b>"
    assert tg.pending_updates == []  # PTB's last getUpdates confirmed the command


async def test_application_answers_a_callback_query(tg: FakeTelegram, bot: Bot) -> None:
    tg.enforce_limits = False
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Topics", callback_data="topics")]])
    sent = await bot.send_message(USER, "Pick one", reply_markup=keyboard)

    async def pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer("Saved")
        await query.edit_message_text(f"You chose {query.data}")

    app = ApplicationBuilder().token(tg.token).base_url(f"{tg.base_url}/bot").build()
    app.add_handler(CallbackQueryHandler(pressed))
    tg.push_callback(USER, USER, sent.message_id, "topics")
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=5)  # type: ignore[union-attr]
        await tg.await_for(lambda: len(tg.sent(USER)) == 2)
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()
    answer = tg.callback_answer()
    assert answer is not None
    assert answer["text"] == "Saved"
    edited = tg.message(USER, sent.message_id)
    assert edited is not None
    assert edited["text"] == "You chose topics"
    assert "reply_markup" not in edited  # an edit without a keyboard removes it
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(tg.last_callback_query_id or "")


async def test_my_chat_member_kicked_blocks_the_chat(tg: FakeTelegram, bot: Bot) -> None:
    update_id = tg.push_my_chat_member(USER, USER, "member", "kicked")
    update = (await bot.get_updates())[0]
    assert update.update_id == update_id
    assert update.my_chat_member is not None
    assert update.my_chat_member.new_chat_member.status == "kicked"
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(USER, "x")


async def test_get_updates_accepts_a_timedelta_timeout(tg: FakeTelegram, bot: Bot) -> None:
    tg.push_message(USER, USER, "hi")
    updates = await bot.get_updates(timeout=dt.timedelta(seconds=1))
    assert [u.message.text for u in updates if u.message] == ["hi"]


# ---- chats, members, commands ----------------------------------------------------------------


async def test_chat_members_and_administrators(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_chat(-900, "supergroup", title="Editors", admins=(1, 2, tg.bot_id), members=(3,))
    statuses = {u: (await bot.get_chat_member(-900, u)).status for u in (1, 2, 3, 4, tg.bot_id)}
    assert statuses == {
        1: "creator",
        2: "administrator",
        3: "member",
        4: "left",
        tg.bot_id: "administrator",
    }
    admins = await bot.get_chat_administrators(-900)
    assert [a.user.id for a in admins] == [1, 2, tg.bot_id]
    chat = await bot.get_chat(-900)
    assert (chat.title, chat.type) == ("Editors", "supergroup")


async def test_chat_action_delete_and_leave(tg: FakeTelegram, bot: Bot) -> None:
    tg.add_chat(-300, "group", title="Readers")
    assert await bot.send_chat_action(USER, "typing") is True
    with pytest.raises(BadRequest, match="Wrong parameter action"):
        await bot.send_chat_action(USER, "dancing")
    sent = await bot.send_message(USER, "to delete")
    assert await bot.delete_message(USER, sent.message_id) is True
    assert tg.message(USER, sent.message_id) is None
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(USER, sent.message_id)
    assert await bot.leave_chat(-300) is True
    with pytest.raises(Forbidden, match="bot is not a member of the group chat"):
        await bot.send_message(-300, "x")
    assert tg.count("sendChatAction") == 2


async def test_commands_are_validated_and_stored(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([("start", "Start the bot"), ("topics", "Choose topics")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "topics"]
    assert tg.commands()[1] == {"command": "topics", "description": "Choose topics"}
    for bad in ([("Start", "caps")], [("ok", "")], [(f"c{n}", "d") for n in range(101)]):
        with pytest.raises(BadRequest):
            await bot.set_my_commands(bad)
    await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


# ---- waiting, load, other processes ----------------------------------------------------------


async def test_await_for_fails_with_a_summary(tg: FakeTelegram, bot: Bot) -> None:
    await bot.send_message(USER, "only message")
    with pytest.raises(AssertionError, match="only message"):
        await tg.await_for(lambda: len(tg.sent()) > 1, timeout=0.05)


def test_wait_for_wakes_on_a_change_from_another_thread(tg: FakeTelegram) -> None:
    pusher = threading.Timer(0.05, tg.push_message, args=(USER, USER, "hi"))
    pusher.start()
    try:
        assert tg.wait_for(lambda: tg.pending_updates, timeout=5)
    finally:
        pusher.join()


async def test_hundreds_of_concurrent_requests_with_latency(tg: FakeTelegram) -> None:
    # A long latency makes every request overlap however slowly the client issues them.
    tg.implicit_chats, tg.enforce_limits, tg.latency = True, False, 1.0
    url = f"{tg.base_url}/bot{tg.token}/sendMessage"
    connector = aiohttp.TCPConnector(limit=300)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def send(chat_id: int) -> int:
            form = {"chat_id": str(chat_id), "text": "digest"}
            async with session.post(url, data=form) as response:
                return response.status

        started = time.monotonic()
        statuses = await asyncio.gather(*(send(50_000 + n) for n in range(300)))
        elapsed = time.monotonic() - started
    assert statuses == [200] * 300
    assert len(tg.sent()) == 300
    assert tg.peak_in_flight >= 150  # held side by side, not one after another
    assert elapsed < 30  # one after another would take 300 s


async def test_ptb_bot_sends_concurrently(tg: FakeTelegram, bot: Bot) -> None:
    tg.implicit_chats, tg.enforce_limits, tg.latency = True, False, 0.5
    sent = await asyncio.gather(*(bot.send_message(60_000 + n, "digest") for n in range(64)))
    assert len({m.chat_id for m in sent}) == 64
    assert tg.peak_in_flight >= 16


def test_a_bot_in_a_subprocess_reaches_the_fake(tg: FakeTelegram) -> None:
    script = textwrap.dedent(
        f"""
        import asyncio
        from telegram import Bot
        async def main():
            async with Bot({tg.token!r}, base_url={tg.base_url + "/bot"!r}) as bot:
                await bot.send_message({USER}, "from another process")
        asyncio.run(main())
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    assert [r.text for r in tg.sent(USER)] == ["from another process"]
