"""Delivery: what a chat gets, when, and how it reads.

Takes matched stories, a chat's settings and ``now``; gives the messages to enqueue
(``plan``: alerts, a coalesced batch or a digest), the period a digest belongs to in the
chat's own time zone (``periods``, ``timezones``) and Telegram HTML within Telegram's limits
(``render``, split into messages by ``split``).

Pure: never imports ``news.store``, ``sqlalchemy``, ``httpx`` or ``telegram``. Sending is the
bot's ``bot.sender``; the outbox rows are ``news.store``'s.
"""
