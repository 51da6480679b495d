"""``FakeTelegram``: the fake Bot API server and its control API, assembled from the mixins."""

from __future__ import annotations

from tests.fakes.telegram.control import Control
from tests.fakes.telegram.server import Server


class FakeTelegram(Control, Server):
    """The fake Bot API server plus its control API for tests (see the package docstring).

    Options may be changed at run time; each request reads them once. Rate limits use
    ``clock`` (inject a fake one to test them without sleeping); ``latency`` is a real delay,
    half before the request is carried out and half before the answer leaves.

    The limits are strict rolling windows. PTB's AIORateLimiter is a leaky bucket that lets
    up to about twice ``global_per_second`` through in its first second, and it does not
    space messages to one private chat: raise ``global_per_second`` / ``chat_burst`` to
    model a more tolerant Telegram.
    """
