"""The catalogs: every message of the code in each, translated, with the same placeholders,
tags and commands; compiled as ``pybabel compile --use-fuzzy`` would, fuzzy entries used."""

import os
import re
import tomllib
from datetime import date
from gettext import GNUTranslations

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_keywords
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from bot.commands import COMMANDS
from news.i18n.catalogs import (
    DOMAIN,
    LOCALE,
    SOURCE,
    available_languages,
    catalog_path,
    compile_catalog,
    guess_language,
    language_name,
    load_catalog,
    translator,
)
from tests.conftest import REPO
from tests.languages import EN, KM, KM_LATIN_DIGITS

TRANSLATED = [code for code in available_languages() if code != SOURCE]
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_TAG = re.compile(r"</?[a-z-]+")
_COMMAND = re.compile(r"(?<![\w/<])/[a-z_]+")


def code_messages() -> set[str]:
    """Every msgid in the code, extracted as ``make extract`` does (pyproject's keywords)."""
    options = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["babel"]
    keywords = parse_keywords(options["extract_messages"]["keywords"].split())
    found: set[str] = set()
    for folder in ("bot", "jobs", "news"):
        for *_, message, _comments, _context in extract_from_dir(
            REPO / folder, keywords={**keywords, "gettext": None, "ngettext": (1, 2)}
        ):
            found.add(message[0] if isinstance(message, tuple) else message)
    return found


def read(language: str) -> Catalog:
    with catalog_path(language).open("rb") as source:
        return read_po(source)


def entries(language: str) -> list[Message]:
    return [message for message in read(language) if message.id]


def ids(message: Message) -> tuple[str, ...]:
    """The msgid, and its plural if it has one."""
    return (message.id,) if isinstance(message.id, str) else tuple(message.id)


def msgid(message: Message) -> str:
    return ids(message)[0]


def forms(message: Message) -> list[str]:
    """The msgstr, or each of its plural forms."""
    string = message.string
    return [string] if isinstance(string, str) else list(string or ())


def test_the_languages_are_the_folders_under_locale():
    folders = sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir())
    assert sorted(available_languages()) == folders
    assert available_languages()[0] == SOURCE


@pytest.mark.parametrize("language", available_languages())
def test_each_catalog_holds_exactly_the_messages_of_the_code(language: str):
    """`make extract` was run: nothing the code says is missing, nothing stale is left."""
    assert {msgid(m) for m in entries(language)} == code_messages()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(language: str):
    untranslated = [msgid(m) for m in entries(language) if not all(f.strip() for f in forms(m))]
    assert untranslated == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_tags_and_commands(language: str):
    """A lost {placeholder} would fail at run time, a lost tag break Telegram's HTML, and a
    translated /command would not work (a translation may name one more, as a button's
    label is not a command)."""
    wrong = []
    commands = {f"/{c.name}" for c in COMMANDS}
    for message in entries(language):
        source = ids(message)[-1]
        for form in forms(message):
            for pattern in (_PLACEHOLDER, _TAG):
                if sorted(pattern.findall(form)) != sorted(pattern.findall(source)):
                    wrong.append((msgid(message), pattern.pattern, form))
            named = set(_COMMAND.findall(form))
            if not set(_COMMAND.findall(source)) <= named <= commands:
                wrong.append((msgid(message), "commands", form))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_fuzzy_entries_are_shown_not_dropped(language: str):
    """Babel's compile drops fuzzy entries unless told; the bot keeps them (they await a
    native reviewer, they are not wrong)."""
    fuzzy = [m for m in entries(language) if m.fuzzy]
    assert fuzzy, "the first draft marks the messages a native speaker should check"
    tr = translator(language)
    for message in fuzzy:
        if message.pluralizable:
            singular, plural = ids(message)
            assert tr.ngettext(singular, plural, 1) == forms(message)[0]
        else:
            assert tr.gettext(msgid(message)) == forms(message)[0]


def test_a_compiled_catalog_is_used_only_while_it_is_as_new_as_its_po(tmp_path):
    """`make compile` writes .mo files; a .po edited since wins over its stale .mo."""
    po = tmp_path / f"{DOMAIN}.po"
    catalog = read("km")
    catalog.get("Settings").string = "OLD"  # type: ignore[union-attr]
    with po.open("wb") as out:
        write_po(out, catalog)
    with po.with_suffix(".mo").open("wb") as out:
        write_mo(out, catalog, use_fuzzy=True)
    po.write_bytes(catalog_path("km").read_bytes())
    os.utime(po.with_suffix(".mo"), (1, 1))  # compiled long before the .po was edited
    assert load_catalog(po).gettext("Settings") == KM.gettext("Settings") == "ការកំណត់"
    os.utime(po, (1, 1))
    assert load_catalog(po).gettext("Settings") == "OLD"


def test_make_compile_output_is_what_the_bot_compiles_itself():
    mo = catalog_path("km").with_suffix(".mo")
    if not mo.exists():
        pytest.skip("run through make test, which compiles the catalogs first")
    ours = compile_catalog(catalog_path("km"))
    with mo.open("rb") as compiled:
        theirs = GNUTranslations(compiled)
    for message in entries("km"):
        assert theirs.gettext(msgid(message)) == ours.gettext(msgid(message))


def test_dates_and_digits_follow_the_language_and_the_chats_choice():
    day = date(2026, 12, 7)
    assert EN.date(day, "EEE d MMM y") == "Mon 7 Dec 2026"
    assert KM.date(day, "EEE d MMM y") == "ច័ន្ទ ៧ ធ្នូ ២០២៦"
    assert KM_LATIN_DIGITS.date(day, "EEE d MMM y") == "ច័ន្ទ 7 ធ្នូ 2026"
    assert (EN.number(2026), KM.number(2026), KM_LATIN_DIGITS.number(2026)) == (
        "2026",
        "២០២៦",
        "2026",
    )
    assert (EN.has_own_digits, KM.has_own_digits) == (False, True)


def test_languages_are_named_in_themselves_and_guessed_from_a_client():
    assert [language_name(code) for code in available_languages()] == ["English", "ខ្មែរ"]
    assert [guess_language(code) for code in ("km", "km-KH", "en-GB", "fr", None)] == [
        "km",
        "km",
        "en",
        None,
        None,
    ]
    assert translator("fr") == EN  # no catalog: the language of the code
