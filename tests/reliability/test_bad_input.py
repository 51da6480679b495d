"""Bad input, generated: whatever follows a command and whatever a button carries, the bot
answers, clearly, and nothing breaks.

Hypothesis writes the arguments and the button data (any Unicode Telegram can carry: Khmer,
markup, digits of every script, very long words); the real application answers through the
Bot API stand-in, which refuses invalid HTML and over-long messages as Telegram does. A
command's reply is a delivery too: it must come, and it must not be the apology for a crash.
Examples are derived from the test's name (``derandomize``), so CI runs the same ones.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.handlers.errors import SORRY
from tests.bot.harness import ADMIN, USER, BotHarness

CHANNEL = -1001234567890
GROUP = -1009876543210
NAMES = [command.name for command in COMMANDS]
# Any character Telegram can carry (UTF-8: no lone surrogates), weighted towards the awkward.
AWKWARD = st.sampled_from(["<b>", "&amp;", "&", "²", "٣", "១២", "ស្ដី", "\u200b", "/", "@", '"'])
TEXT = st.lists(
    st.one_of(st.text(st.characters(exclude_categories=["Cs"]), max_size=30), AWKWARD),
    max_size=8,
).map(" ".join)
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def refused(bot: BotHarness) -> int:
    """Requests Telegram would refuse (bad HTML, too long, …). "Message is not modified",
    the answer to a second press that changes nothing, is no fault of the message."""
    return sum(
        1
        for r in bot.tg.requests
        if r.status == 400 and "not modified" not in (r.description or "")
    )


async def answers(bot: BotHarness, chat_id: int, push: object) -> list[str]:
    """The texts the bot sends after ``push`` (a queued update), once it has answered."""
    before = len(bot.tg.sent(chat_id))
    failed = refused(bot)

    def replied() -> list[str]:
        texts = [s.text for s in bot.tg.sent(chat_id)[before:]]
        return [t for t in texts if not t.startswith("Note for this group")]

    await bot.tg.await_for(replied)
    assert refused(bot) == failed  # no message Telegram would refuse
    return [s.text for s in bot.tg.sent(chat_id)[before:]]


def setup(bot: BotHarness) -> None:
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    bot.tg.add_chat(CHANNEL, "channel", admins=[ADMIN], members=[USER])


@PROPERTY
@given(name=st.sampled_from(NAMES), argument=TEXT, where=st.sampled_from(["private", "group"]))
async def test_every_command_answers_whatever_its_arguments(
    bot: BotHarness, name: str, argument: str, where: str
):
    setup(bot)
    text = f"/{name} {argument}".strip()[:4096]
    chat, user = (USER, USER) if where == "private" else (GROUP, USER)
    pushed = bot.tg.push_message(
        chat, user, text, chat_type="private" if chat > 0 else "supergroup"
    )
    for reply in await answers(bot, chat, pushed):
        assert reply != SORRY, text


@PROPERTY
@given(name=st.sampled_from(NAMES), argument=TEXT)
async def test_every_command_an_admin_posts_in_a_channel_answers(
    bot: BotHarness, name: str, argument: str
):
    setup(bot)
    text = f"/{name} {argument}".strip()[:4096]
    pushed = bot.tg.push_channel_post(CHANNEL, text)
    for reply in await answers(bot, CHANNEL, pushed):
        assert reply != SORRY, text


BUTTON_DATA = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=64),
    st.tuples(st.sampled_from(["t:", "s:", "f:", "s:mode:", "s:tz:", "s:hour:"]), TEXT).map(
        "".join
    ),
).filter(lambda data: 1 <= len(data.encode()) <= 64)  # Telegram's limit for callback data


@PROPERTY
@given(
    data=BUTTON_DATA,
    where=st.sampled_from(["private", "group", "channel"]),
    presser=st.sampled_from([USER, ADMIN]),
)
async def test_every_button_press_is_answered_whatever_its_data(
    bot: BotHarness, data: str, where: str, presser: int
):
    setup(bot)
    if where == "channel":
        [menu] = await bot.post("/settings", chat_id=CHANNEL)
    elif where == "group":
        replies = await bot.say("/settings", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
        menu = replies[-1]
    else:
        [menu] = await bot.say("/settings", chat_id=presser)
    errors, before = refused(bot), len(bot.tg.sent(menu.chat_id))
    await bot.tap(menu, data, user_id=presser, edits=False)  # waits for the answer
    await bot.tap(menu, data, user_id=presser, edits=False)  # and a second, quick press
    assert refused(bot) == errors
    assert all(s.text != SORRY for s in bot.tg.sent(menu.chat_id)[before:]), data
