"""The shipped catalogs' translators, for tests that render in each language."""

from news.i18n.catalogs import translator

EN = translator("en")
KM = translator("km")
KM_LATIN_DIGITS = translator("km", native_digits=False)
EACH = [EN, KM]  # parametrize over these: every language a chat can read
