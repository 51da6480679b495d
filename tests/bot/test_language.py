"""Choosing the language per chat: the first /start, /language, /settings; Telegram's own
surfaces (the command menu, the profile) in every language."""

from bot.commands import ADMIN as ADMIN_COMMANDS
from bot.commands import DESCRIPTION, PUBLIC, SHORT_DESCRIPTION
from news.store.chats import get_chat
from tests.bot.harness import ADMIN, USER, BotHarness, buttons
from tests.languages import EN, KM

GROUP = -1005551234567


async def test_the_first_start_preselects_the_apps_language_and_stores_none(bot: BotHarness):
    for code, ticked in [("km-KH", "✓ ខ្មែរ"), ("en-GB", "✓ English"), ("fr", "✓ English")]:
        [picker] = await bot.say("/start", chat_id=USER, language_code=code)
        assert ticked in [label for label, _ in buttons(picker)]
    chat = await get_chat(bot.services.db, USER)
    assert chat is not None
    assert chat.language is None  # a guess is a suggestion, never kept
    [picker] = await bot.say("/start", chat_id=USER + 1)  # an app that sends no language
    assert picker.text == "Choose the language I write in:"
    assert buttons(picker) == [("✓ English", "lang:en:start"), ("ខ្មែរ", "lang:km:start")]


async def test_once_chosen_start_welcomes_at_once(bot: BotHarness):
    await bot.begin("km")
    [welcome] = await bot.say("/start", language_code="en")  # the app's language is no choice
    assert welcome.text.startswith("ព័ត៌មានសង្ខេបសិទ្ធិមនុស្ស")


async def test_language_command_and_the_settings_row_change_it(bot: BotHarness):
    [picker] = await bot.say("/language")
    assert picker.text == "I write in English here. Tap another language to change it:"
    picker = await bot.tap(picker, "lang:km")
    assert picker.text == "នៅទីនេះ ខ្ញុំសរសេរជាភាសាខ្មែរ។ ចុចភាសាផ្សេង ដើម្បីប្ដូរ៖"
    assert buttons(picker) == [("English", "lang:en"), ("✓ ខ្មែរ", "lang:km")]
    [settings] = await bot.say("/settings")
    assert settings.text.startswith("ការកំណត់\n")
    assert buttons(settings)[-2:] == [("English", "s:lang:en"), ("✓ ខ្មែរ", "s:lang:km")]
    settings = await bot.tap(settings, "s:lang:en")
    assert settings.text.startswith("Settings\n")
    assert [label for label, _ in buttons(settings)][-2:] == ["✓ English", "ខ្មែរ"]


async def test_khmer_digits_are_a_setting_of_their_own(bot: BotHarness):
    await bot.begin("km")
    [settings] = await bot.say("/settings")
    assert "នៅម៉ោង ០៨:០០" in settings.text
    assert ("លេខខ្មែរ៖ បើក", "s:digits") in buttons(settings)
    settings = await bot.tap(settings, "s:digits")
    assert "នៅម៉ោង 08:00" in settings.text
    assert "លេខខ្មែរ៖ បិទ" in settings.text
    english = await bot.tap(settings, "s:lang:en")
    assert "s:digits" not in [data for _, data in buttons(english)]  # English has no own


async def test_in_a_group_only_administrators_change_its_language(bot: BotHarness):
    bot.tg.add_chat(GROUP, "supergroup", admins=[ADMIN], members=[USER])
    replies = await bot.say("/language", chat_id=GROUP, user_id=ADMIN, chat_type="supergroup")
    picker = replies[-1]
    await bot.tap(picker, "lang:km", user_id=USER, edits=False)
    assert bot.answer_text() == "Only this group's administrators can change its language."
    chat = await get_chat(bot.services.db, GROUP)
    assert chat is not None
    assert chat.language is None
    picker = await bot.tap(picker, "lang:km", user_id=ADMIN)
    assert picker.text.startswith("នៅទីនេះ ខ្ញុំសរសេរជាភាសាខ្មែរ")
    await bot.tap(picker, "lang:en", user_id=USER, edits=False)
    assert bot.answer_text() == "មានតែអ្នកគ្រប់គ្រងក្រុមនេះប៉ុណ្ណោះ ដែលអាចប្ដូរភាសារបស់វាបាន។"


async def test_a_forged_language_button_changes_nothing(bot: BotHarness):
    [picker] = await bot.say("/language")
    await bot.tap(picker, "lang:xx", edits=False)
    assert bot.answer_text().startswith("This button no longer works.")
    assert bot.versions(picker) == [picker]


async def test_the_command_menu_and_the_profile_in_every_language(bot: BotHarness):
    for tr, code in [(EN, ""), (EN, "en"), (KM, "km")]:
        assert bot.tg.profile_text("description", code) == tr.gettext(DESCRIPTION)
        assert bot.tg.profile_text("short_description", code) == tr.gettext(SHORT_DESCRIPTION)
        menu = {c["command"]: c["description"] for c in bot.tg.commands(language_code=code)}
        assert menu == {c.name: tr.gettext(c.description) for c in PUBLIC}
        admin = bot.tg.commands(scope={"type": "chat", "chat_id": ADMIN}, language_code=code)
        assert [c["command"] for c in admin] == [c.name for c in (*PUBLIC, *ADMIN_COMMANDS)]
    assert bot.tg.profile_text("short_description", "km").startswith("ព័ត៌មានសង្ខេប")
