"""The HTTP side: an aiohttp app on a loopback port, run in its own thread and event loop.

Every error answer uses HTTP status == ``error_code``: PTB picks its exception from the status
alone. Latency and the scripted transport faults (slow, dropped, garbled answers) apply here.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from typing import Self

from aiohttp import web

from tests.fakes.telegram.errors import JSON, ApiError
from tests.fakes.telegram.faults import Fault, FaultError
from tests.fakes.telegram.methods import Methods
from tests.fakes.telegram.params import canonical, read_params

GARBAGE = b'{"ok": true, "result": {"message_id": '


class Server(Methods):
    """Start and stop the server, and turn each HTTP request into a method call."""

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``; PTB's base_url is this plus ``/bot``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # ---- lifecycle --------------------------------------------------------------------------

    def start(self) -> Self:
        """Listen on an ephemeral loopback port, serving from a background thread."""
        if self._thread is not None:
            raise RuntimeError("FakeTelegram is already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        self._stopping = False
        ready = threading.Event()
        errors: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(sock, ready, errors), name="fake-telegram", daemon=True
        )
        self._thread.start()
        ready.wait()
        if errors:
            self._thread.join()
            self._thread = None
            raise RuntimeError("FakeTelegram failed to start") from errors[0]
        return self

    def stop(self) -> None:
        """Release held requests, close every connection and join the server thread."""
        thread, loop = self._thread, self._loop
        if thread is None or loop is None:
            return
        with self._cond:
            self._stopping = True  # held getUpdates calls answer at once
            self._changed()
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
        self._thread = self._loop = None

    def _serve(
        self, sock: socket.socket, ready: threading.Event, errors: list[BaseException]
    ) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)  # this thread's own loop, for code that looks it up
        runner = self._runner()
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.SockSite(runner, sock, backlog=1024).start())
        except BaseException as exc:
            errors.append(exc)
            sock.close()
            with contextlib.suppress(Exception):
                loop.run_until_complete(runner.cleanup())
            _close_loop(loop)
            ready.set()
            return
        self._loop = loop
        self._pusher = loop.create_task(self._push_updates(), name="webhook-pusher")
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            _close_loop(loop)

    def _runner(self) -> web.AppRunner:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        # handler_cancellation: a client that gives up (timeout, cancelled poll) frees its
        # handler, as Telegram forgets a closed long poll.
        return web.AppRunner(app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5)

    # ---- requests ---------------------------------------------------------------------------

    async def _not_found(self, request: web.Request) -> web.Response:
        return web.Response(body=ApiError(404, "Not Found").payload(), status=404,
                            content_type="application/json")  # fmt: skip

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self._in_flight += 1  # only the server thread touches these counters
        self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            return await self._answer(request)
        finally:
            self._in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        method = canonical(request.match_info["method"])
        params: JSON = {}
        fault: Fault | None = None
        description: str | None = None
        await asyncio.sleep(self.latency / 2)
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            params = await read_params(request)
            fault = self._take_fault(method, params)
            status, body = await self._outcome(method, params, fault)
        except ApiError as exc:
            status, body, description = exc.status, exc.payload(), exc.description
        except asyncio.CancelledError:
            self._log(method, params, 0, "the client closed the connection")
            raise
        if fault is not None and fault.kind in ("drop", "garble"):
            status, body = (0, b"") if fault.kind == "drop" else (200, GARBAGE)
        self._log(method, params, status, description)
        if fault is not None and fault.kind == "slow" and fault.deliver:
            await asyncio.sleep(fault.seconds)
        if status == 0:
            return await _drop(request)
        await asyncio.sleep(self.latency / 2)
        content_type = fault.content_type if fault is not None else "application/json"
        return web.Response(body=body, status=status, content_type=content_type)

    async def _outcome(self, method: str, params: JSON, fault: Fault | None) -> tuple[int, bytes]:
        """Carry the call out unless the fault replaces it; ApiError for Telegram's errors."""
        if fault is not None and fault.kind == "slow" and not fault.deliver:
            await asyncio.sleep(fault.seconds)
        if fault is not None and fault.kind == "error":
            raise FaultError(fault)
        if fault is not None and fault.kind in ("drop", "garble") and not fault.deliver:
            return 0, b""
        result = await self._call(method, params)
        return 200, json.dumps({"ok": True, "result": result}).encode()


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(None)
    loop.close()


async def _drop(request: web.Request) -> web.StreamResponse:
    """Close the connection without an answer."""
    if request.transport is not None:
        request.transport.abort()
    # aiohttp cancels this handler once it sees the lost connection (handler_cancellation).
    await asyncio.Event().wait()
    raise AssertionError("unreachable")
