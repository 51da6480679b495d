"""Finding and loading the catalogs: one ``Translator`` per language and choice of digits.

A compiled ``.mo`` (``make compile``) is used when it is newer than its ``.po``; otherwise
the ``.po`` is compiled in memory at first use, so an install without the Makefile, or a
catalog just edited, never runs on missing or stale translations. Entries marked fuzzy are
used: here "fuzzy" means "a native speaker should review this", not "wrong".
"""

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from news.i18n.translator import Translator

LOCALE = Path(__file__).with_name("locale")
DOMAIN = "rights_digest"
SOURCE = "en"  # the language the messages are written in, in the code (the msgids)


@cache
def available_languages() -> tuple[str, ...]:
    """The languages with a catalog, the source language first, then by code."""
    found = {path.parents[1].name for path in LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE}, key=lambda code: (code != SOURCE, code)))


def catalog_path(language: str) -> Path:
    """Where a language's ``.po`` is (or would be)."""
    return LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translator(language: str | None, *, native_digits: bool = True) -> Translator:
    """The Translator of an available language; the source language's for any other."""
    code = language if language in available_languages() else SOURCE
    return Translator(code, _messages(code), native_digits)


def language_name(language: str) -> str:
    """A language's name in itself, for the picker: "English", "ខ្មែរ"."""
    try:
        name = Locale.parse(language).get_display_name(language) or language
    except (UnknownLocaleError, ValueError):
        return language
    return name[:1].upper() + name[1:]


def guess_language(code: str | None) -> str | None:
    """The available language a Telegram client's ``language_code`` ("km", "en-GB") names,
    if any. Used for a suggestion only; never stored."""
    primary = (code or "").split("-")[0].lower()
    return primary if primary in available_languages() else None


@cache
def _messages(language: str) -> gettext.NullTranslations:
    po = catalog_path(language)
    if not po.exists():
        return gettext.NullTranslations()  # the source language needs no catalog
    return load_catalog(po)


def load_catalog(po: Path) -> gettext.GNUTranslations:
    """The ``.mo`` beside ``po`` if it is at least as new, else ``po`` compiled in memory."""
    mo = po.with_suffix(".mo")
    if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    return compile_catalog(po)


def compile_catalog(po: Path) -> gettext.GNUTranslations:
    """Compile a ``.po`` in memory as ``pybabel compile --use-fuzzy`` would."""
    with po.open("rb") as source:
        catalog = read_po(source)
    compiled = BytesIO()
    write_mo(compiled, catalog, use_fuzzy=True)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
