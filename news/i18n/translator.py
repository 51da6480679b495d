"""A chat's language as a plain value: its messages, its dates and its digits. Pure."""

import gettext
from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_date, get_day_names

ASCII_DIGITS = "0123456789"


def N_(message: str) -> str:  # noqa: N802 - gettext's own name for "mark, translate later"
    """Mark ``message`` for the catalog without translating it: a constant, translated where
    it is shown with ``Translator.gettext``."""
    return message


# i18n: The digits 0 to 9 as your language writes them, if it has its own (a chat can
# switch them off in /settings); else copy them unchanged.
DIGITS = N_("0123456789")


@dataclass(frozen=True, slots=True)
class Translator:
    """Everything language-dependent about a message. Hashable by language and digits, so
    rendering caches per language; built once per language by ``news.i18n.catalogs``."""

    language: str
    catalog: gettext.NullTranslations = field(compare=False, repr=False)
    native_digits: bool = True  # the chat's choice; a no-op where the language has none
    _digits: dict[int, int] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        own = self.catalog.gettext(DIGITS) if self.native_digits else ASCII_DIGITS
        table = str.maketrans(ASCII_DIGITS, own) if len(own) == len(ASCII_DIGITS) else {}
        object.__setattr__(self, "_digits", {k: v for k, v in table.items() if k != v})

    def gettext(self, message: str) -> str:
        """``message`` in this language (itself where the catalog has nothing)."""
        return self.catalog.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form for ``count`` (Khmer has one form, English two)."""
        return self.catalog.ngettext(singular, plural, count)

    @property
    def has_own_digits(self) -> bool:
        """Whether the language writes its own digits (០–៩), whatever the chat chose."""
        own = self.catalog.gettext(DIGITS)
        return own != ASCII_DIGITS and len(own) == len(ASCII_DIGITS)

    def digits(self, text: str) -> str:
        """``text`` with ASCII digits in the language's own, if the chat wants them. For
        numbers, dates and times the bot writes, never for feed text."""
        return text.translate(self._digits) if self._digits else text

    def number(self, value: int) -> str:
        """An integer as the chat reads it: "5" or "៥"."""
        return self.digits(str(value))

    def date(self, day: date, pattern: str) -> str:
        """``day`` in a CLDR pattern the catalog translates ("d MMM y": "7 Dec 2026", and
        "7 ធ្នូ 2026" in Khmer), in the chat's digits."""
        return self.digits(format_date(day, self.gettext(pattern), locale=self.language))

    def weekday(self, index: int) -> str:
        """The name of a weekday, Monday being 0, as a date would write it."""
        return str(get_day_names("wide", context="format", locale=self.language)[index])
