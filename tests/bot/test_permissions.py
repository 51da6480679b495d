"""Who may change a chat: in groups and channels, only its administrators, buttons included.

Everyone who can read a group or a channel can press the buttons under the bot's messages
there, so each press is judged by who pressed it. A channel's commands are its own posts.
"""

import pytest

from bot.handlers.errors import STALE, UNKNOWN
from news.store.chats import count_chat_rows, get_chat
from tests.bot.harness import ADMIN, USER, BotHarness
from tests.fakes.telegram import SentRecord

CHANNEL = -1001234567890
GROUP = -1009876543210
EBA = "t:cambodia-eba"


async def command(bot: BotHarness, chat_type: str, text: str) -> SentRecord:
    """``text`` from the chat's administrator (in a channel, its post); the last reply."""
    if chat_type == "channel":
        replies = await bot.post(text, chat_id=CHANNEL)
        return replies[-1]
    before = len(bot.tg.sent(GROUP))
    bot.tg.push_message(GROUP, ADMIN, text, chat_type=chat_type)

    def answered() -> list[SentRecord]:
        # A group's first command also gets the notice that members see what it follows.
        return [s for s in bot.tg.sent(GROUP)[before:] if not s.text.startswith("Note for")]

    [reply] = await bot.tg.await_for(answered)
    return reply


@pytest.fixture(params=["channel", "supergroup"])
def chat_type(request: pytest.FixtureRequest, bot: BotHarness) -> str:
    chat_id = CHANNEL if request.param == "channel" else GROUP
    bot.tg.add_chat(chat_id, request.param, admins=[ADMIN], members=[USER])
    return str(request.param)


def chat_of(chat_type: str) -> int:
    return CHANNEL if chat_type == "channel" else GROUP


async def test_a_reader_cannot_press_a_topic_button(bot: BotHarness, chat_type: str):
    menu = await command(bot, chat_type, "/topics")
    await bot.tap(menu, EBA, user_id=USER, edits=False)
    place = "channel" if chat_type == "channel" else "group"
    assert bot.answer_text() == f"Only this {place}'s administrators can change what it follows."
    assert await count_chat_rows(bot.services.db, chat_of(chat_type)) == 1  # the chat, no topic
    updated = await bot.tap(menu, EBA, user_id=ADMIN)
    assert "✓" in str(updated.reply_markup)
    assert await count_chat_rows(bot.services.db, chat_of(chat_type)) == 2


async def test_a_reader_cannot_press_a_settings_button(bot: BotHarness, chat_type: str):
    menu = await command(bot, chat_type, "/settings")
    before = await get_chat(bot.services.db, chat_of(chat_type))
    await bot.tap(menu, "s:mode:weekly", user_id=USER, edits=False)
    assert "administrators can change its settings" in bot.answer_text()
    assert await get_chat(bot.services.db, chat_of(chat_type)) == before
    await bot.tap(menu, "s:mode:weekly", user_id=ADMIN)
    after = await get_chat(bot.services.db, chat_of(chat_type))
    assert after is not None
    assert after.mode == "weekly"


async def test_a_reader_cannot_erase_the_chat(bot: BotHarness, chat_type: str):
    await command(bot, chat_type, "/subscribe EBA")
    confirm = await command(bot, chat_type, "/forget")
    await bot.tap(confirm, "f:yes", user_id=USER, edits=False)
    assert "administrators can erase its data" in bot.answer_text()
    assert await count_chat_rows(bot.services.db, chat_of(chat_type)) == 2
    done = await bot.tap(confirm, "f:yes", user_id=ADMIN)
    assert "erased" in done.text
    assert await count_chat_rows(bot.services.db, chat_of(chat_type)) == 0


async def test_a_channel_post_is_its_administrators_command(bot: BotHarness):
    bot.tg.add_chat(CHANNEL, "channel", admins=[ADMIN], members=[USER])
    [reply] = await bot.post("/subscribe EBA", chat_id=CHANNEL)
    assert reply.text.startswith("Following Cambodia and the EU")


async def test_in_a_private_chat_its_user_presses_the_buttons(bot: BotHarness):
    [menu] = await bot.say("/topics", chat_id=USER)
    updated = await bot.tap(menu, EBA, user_id=USER)
    assert "✓" in str(updated.reply_markup)


async def test_a_refused_change_in_a_group_stores_nothing_about_the_group(bot: BotHarness):
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    for command_text in ("/subscribe EBA", "/settings weekly", "/forget"):
        [refused] = await bot.say(
            command_text, chat_id=GROUP, user_id=USER, chat_type="supergroup"
        )
        assert refused.text.startswith("Only this group's administrators")
    assert await count_chat_rows(bot.services.db, GROUP) == 0


async def test_admin_commands_answer_only_in_a_private_chat(bot: BotHarness):
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    for command_text in ("/stats", "/feeds"):
        [reply] = await bot.say(command_text, chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
        assert reply.text == UNKNOWN  # members would read the answer, and learn who is admin
        [reply] = await bot.say(command_text, chat_id=ADMIN)
        assert reply.text.startswith(("Stats", "Feeds"))
    [reply] = await bot.post("/stats", chat_id=CHANNEL)
    assert reply.text == UNKNOWN


@pytest.mark.parametrize(
    ("data", "answer"),
    [
        ("x:drop", STALE),
        ("t:", "That topic no longer exists."),
        ("t:" + "9" * 62, "That topic no longer exists."),
        ("s:" + "9" * 62, ""),  # a settings press that changes nothing: no toast
        ("f:maybe", ""),  # not "yes": nothing is erased
        ("🙂", STALE),
    ],
)
async def test_a_forged_or_stale_button_is_answered_and_changes_nothing(
    bot: BotHarness, chat_type: str, data: str, answer: str
):
    await command(bot, chat_type, "/subscribe EBA")
    menu = await command(bot, chat_type, "/settings")
    rows = await count_chat_rows(bot.services.db, chat_of(chat_type))
    before = await get_chat(bot.services.db, chat_of(chat_type))
    await bot.tap(menu, data, user_id=ADMIN, edits=False)  # waits for the answer
    assert bot.answer_text() == answer
    assert await get_chat(bot.services.db, chat_of(chat_type)) == before
    assert await count_chat_rows(bot.services.db, chat_of(chat_type)) == rows


async def test_a_forged_button_in_a_private_chat_is_answered(bot: BotHarness):
    [menu] = await bot.say("/topics", chat_id=USER)
    await bot.tap(menu, "z:anything", user_id=USER, edits=False)
    assert bot.answer_text() == STALE
