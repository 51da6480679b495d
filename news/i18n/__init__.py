"""Languages: the words, dates and digits of each chat, from standard gettext catalogs.

Takes a language code and a chat's choice of digits; gives a ``Translator`` (``catalogs``),
a plain value the pure stages render with (``translator``). The catalogs are
``locale/<lang>/LC_MESSAGES/rights_digest.po`` beside this file: a language is available
when its folder is there, and the code names none.

The bottom of the pipeline: imports no other stage, no database, HTTP client or Telegram.
"""
