"""The Bot API stand-in in a process of its own, as Telegram is remote.

In the measured process the stand-in would share the bot's GIL and CPU count, and a
garbage-collection pause there would pause the "server" too. Here it runs on its own, with a
small control server beside it for the benchmark's side of the conversation. What is timed
(a command from its update being queued to the reply's arrival, the sends' pace) is timed
inside the stand-in, as before.

    async with RemoteTelegram(latency=0.08) as tg:  # tg.token, tg.base_url as for FakeTelegram
        seconds = await tg.command(chat, "/latest")
"""

import asyncio
import json
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import httpx

from tests.fakes.telegram import FakeTelegram

Handler = Callable[[FakeTelegram, dict[str, Any]], Any]


class RemoteTelegram:
    """Starts ``python -m bench.telegram_process`` and talks to its control server."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._child: asyncio.subprocess.Process | None = None
        self._client = httpx.AsyncClient(timeout=None, trust_env=False)  # loopback: no proxy
        self.token = self.base_url = self._control = ""

    async def __aenter__(self) -> Self:
        self._child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.telegram_process", json.dumps(self._options)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self._child.stdout is not None
        ready = json.loads(await self._child.stdout.readline())
        self.token, self.base_url = ready["token"], ready["base_url"]
        self._control = ready["control"]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._client.aclose()
        if self._child is not None:
            assert self._child.stdin is not None
            self._child.stdin.close()  # the child stops when its stdin ends
            await self._child.wait()

    async def _call(self, name: str, **params: Any) -> Any:
        response = await self._client.post(f"{self._control}/{name}", json=params)
        answer = response.json()
        if response.status_code != 200:
            raise AssertionError(f"stand-in control {name}: {answer['error']}")
        return answer["result"]

    async def command(self, chat: int, text: str) -> float:
        """Seconds from queuing ``text`` from ``chat`` to the stand-in receiving the reply."""
        return float(await self._call("command", chat=chat, text=text))

    async def wait_polling(self) -> None:
        """Until the bot holds a getUpdates call."""
        await self._call("wait_polling")

    async def wait_chats(self, first: int, last: int, *, within: float) -> None:
        """Until every chat from ``first`` to ``last`` has had a message (at most ``within``
        seconds, timed by the stand-in)."""
        await self._call("wait_chats", first=first, last=last, within=within)

    async def sends(self, first: int, last: int) -> dict[str, Any]:
        """Rate, losses, duplicates and 429s of the chats ``first``..``last``."""
        result: dict[str, Any] = await self._call("sends", first=first, last=last)
        return result

    async def wait_reached(self, count: int, *, within: float) -> None:
        """Until ``count`` chats have had a message (at most ``within`` seconds)."""
        await self._call("wait_reached", count=count, within=within)

    async def delivered(self) -> list[tuple[int, float]]:
        """Every message sent so far: (chat, when, on this machine's monotonic clock)."""
        return [(int(c), float(t)) for c, t in await self._call("delivered")]

    async def burst(self, first: int, last: int, text: str, *, over: float) -> None:
        """``text`` from each chat ``first``..``last``, spread evenly over ``over`` seconds."""
        await self._call("burst", first=first, last=last, text=text, over=over)

    async def settle(self, first: int, last: int, *, within: float, quiet: float) -> None:
        """Until every chat has had a message, or none came for ``quiet`` seconds (some
        never will), or ``within`` seconds have passed."""
        await self._call("settle", first=first, last=last, within=within, quiet=quiet)

    async def replies(self, first: int, last: int) -> dict[str, Any]:
        """How long each chat of the last ``burst`` waited for its first reply, and the
        time from the burst's start to the last reply."""
        result: dict[str, Any] = await self._call("replies", first=first, last=last)
        return result


# ---- in the child -------------------------------------------------------------------------


def command(tg: FakeTelegram, params: dict[str, Any]) -> float:
    chat = params["chat"]
    before = len(tg.sent(chat))
    start = time.monotonic()
    tg.push_message(chat, chat, params["text"])
    tg.wait_for(lambda: len(tg.sent(chat)) > before, timeout=30)
    return tg.sent(chat)[before].at - start


def wait_polling(tg: FakeTelegram, params: dict[str, Any]) -> None:
    tg.wait_for(lambda: tg.pollers > 0, timeout=30)


def wait_chats(tg: FakeTelegram, params: dict[str, Any]) -> None:
    wanted = range(params["first"], params["last"] + 1)
    # Counted only once there are enough sends: the predicate runs after every request.
    tg.wait_for(
        lambda: (
            len(tg.sent()) >= len(wanted)
            and len({r.chat_id for r in tg.sent() if r.chat_id in wanted}) >= len(wanted)
        ),
        timeout=params["within"],
    )


def wait_reached(tg: FakeTelegram, params: dict[str, Any]) -> None:
    count = params["count"]
    tg.wait_for(
        lambda: len(tg.sent()) >= count and len({r.chat_id for r in tg.sent()}) >= count,
        timeout=params["within"],
    )


def delivered(tg: FakeTelegram, params: dict[str, Any]) -> list[tuple[int, float]]:
    return [(r.chat_id, r.at) for r in tg.sent() if r.method == "sendMessage"]


def sends(tg: FakeTelegram, params: dict[str, Any]) -> dict[str, Any]:
    wanted = range(params["first"], params["last"] + 1)
    sent = [r for r in tg.sent() if r.method == "sendMessage" and r.chat_id in wanted]
    per_chat = Counter(r.chat_id for r in sent)
    times = sorted(r.at for r in sent)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    refused = [r for r in tg.requests if r.chat_id in wanted and r.status == 429]
    attempts = len(sent) + len(refused)
    return {
        "sent": len(sent),
        "lost": len(set(wanted) - set(per_chat)),
        "duplicates": sum(n - 1 for n in per_chat.values()),
        "messages_per_second": round((len(sent) - 1) / span, 2) if span else 0.0,
        "http_429": len(refused),
        "http_429_share": round(len(refused) / attempts, 5) if attempts else 0.0,
        "span_seconds": round(span, 2),
    }


PUSHED: dict[int, float] = {}  # when each chat of a burst sent its command


def burst(tg: FakeTelegram, params: dict[str, Any]) -> None:
    chats = range(params["first"], params["last"] + 1)
    start = time.monotonic()
    for index, chat in enumerate(chats):
        time.sleep(max(0.0, start + index * params["over"] / len(chats) - time.monotonic()))
        PUSHED[chat] = time.monotonic()
        tg.push_message(chat, chat, params["text"])


def settle(tg: FakeTelegram, params: dict[str, Any]) -> None:
    wanted = set(range(params["first"], params["last"] + 1))
    deadline = time.monotonic() + params["within"]

    def answered() -> bool:
        return len({r.chat_id for r in tg.sent() if r.chat_id in wanted}) >= len(wanted)

    def progress(before: int) -> Callable[[], bool]:
        return lambda: answered() or len(tg.sent()) > before

    while not answered() and time.monotonic() < deadline:
        try:
            tg.wait_for(progress(len(tg.sent())), timeout=params["quiet"])
        except AssertionError:  # quiet for that long: nothing more is coming
            return


def replies(tg: FakeTelegram, params: dict[str, Any]) -> dict[str, Any]:
    wanted = range(params["first"], params["last"] + 1)
    first_reply: dict[int, float] = {}
    for record in tg.sent():
        if record.chat_id in wanted and record.method == "sendMessage":
            first_reply.setdefault(record.chat_id, record.at)
    if not first_reply:
        return {"answered": 0}
    waits = sorted(first_reply[chat] - PUSHED[chat] for chat in first_reply)
    start = min(PUSHED[chat] for chat in wanted)
    return {
        "answered": len(first_reply),
        "p50_s": round(waits[len(waits) // 2], 2),
        "p95_s": round(waits[min(len(waits) - 1, int(len(waits) * 0.95))], 2),
        "max_s": round(waits[-1], 2),
        "last_reply_s": round(max(first_reply.values()) - start, 2),
    }


HANDLERS: dict[str, Handler] = {
    "command": command,
    "wait_polling": wait_polling,
    "wait_chats": wait_chats,
    "sends": sends,
    "wait_reached": wait_reached,
    "delivered": delivered,
    "burst": burst,
    "settle": settle,
    "replies": replies,
}


def control_server(tg: FakeTelegram) -> ThreadingHTTPServer:
    """POST /<name> with JSON parameters -> {"result": ...} or {"error": ...}."""

    class Control(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            params = json.loads(self.rfile.read(int(self.headers["content-length"])))
            handler = HANDLERS.get(self.path.strip("/"))
            try:
                if handler is None:
                    raise LookupError(f"no control call {self.path}")
                status, answer = 200, {"result": handler(tg, params)}
            except Exception as error:  # told to the benchmark, which stops
                status, answer = 500, {"error": f"{type(error).__name__}: {error}"}
            body = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Control)


def main() -> None:
    with FakeTelegram(**json.loads(sys.argv[1])) as tg:
        server = control_server(tg)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        host, port = server.server_address[:2]
        print(
            json.dumps(
                {"token": tg.token, "base_url": tg.base_url, "control": f"http://{host!s}:{port}"}
            ),
            flush=True,
        )
        sys.stdin.read()  # until the benchmark ends (or dies)
        server.shutdown()


if __name__ == "__main__":
    main()
