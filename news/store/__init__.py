"""Store: all SQL, and nothing but SQL.

Takes a ``Database`` (engine and session factory, opened by the composition root) and plain
values from ``news.models``; gives plain values back. Tables (``tables``), migrations
(``migrations``, Alembic), feeds and their fetch state, stories and the entries that carried
them, chats and their settings, the outbox and the sender's claims on it.

May use the pure stages' values and rules (a digest's messages, headline clusters); never
imports ``news.fetch`` (nothing here goes to the network), ``telegram``, ``bot`` or ``jobs``.
"""
