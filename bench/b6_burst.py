"""B6 burst: 200 private chats send /start within 2 s; each must get its welcome, once.

The stand-in enforces 30 messages/s overall and 1/s per chat, with 80 ms of round trip, and
runs in a process of its own (``bench.telegram_process``), as Telegram is remote; it pushes
the updates, evenly over the two seconds, and times the replies' arrival. Ours: the bot as
``rights-digest run`` serves it (``build_application`` and ``serve``), its replies paced and
retried through ``bot/outgoing.py``. Baseline in the same run, on 200 other chats: a PTB bot
that answers /start with a direct ``send_message``, the path replies took before they were
paced; and the floor any bot meets at Telegram's 30 messages a second.

    python -m bench.b6_burst
"""

import asyncio
import json
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bench.b3_latency import running_bot
from bench.common import measure, peak_rss_mb, write_result
from bench.fixtures import bench_config
from bench.telegram_process import RemoteTelegram
from bot.handlers.start import WELCOME
from bot.updates import PerChatOrder

CHATS = 200
SPREAD = 2.0  # seconds over which the /start commands arrive
LATENCY = 0.08
TELEGRAM_RATE = 30  # messages a second, overall
QUIET = 10.0  # seconds without a new message after which the rest never come


async def burst(tg: RemoteTelegram, first: int) -> dict[str, Any]:
    """Push the burst, wait for the replies; what arrived, and when."""
    last = first + CHATS - 1
    with measure() as step:
        await tg.burst(first, last, "/start", over=SPREAD)
        await tg.settle(first, last, within=120, quiet=QUIET)
    sent, replies = await tg.sends(first, last), await tg.replies(first, last)
    return {"cpu": round(step.cpu, 2), **sent, **replies}


async def ours(tg: RemoteTelegram, tmp: Path) -> dict[str, Any]:
    config = bench_config(tmp, [], telegram={"api_base_url": tg.base_url})
    async with running_bot(tg, config):
        return await burst(tg, 1)


async def direct(tg: RemoteTelegram) -> dict[str, Any]:
    """A bot whose /start handler calls send_message directly: no pacing, no retry."""
    welcome = WELCOME.format(delivery="a daily digest at 08:00 (Asia/Phnom_Penh)")

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_chat is not None
        await context.bot.send_message(update.effective_chat.id, welcome)

    async def silent(_update: object, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """The 429s it meets are what is measured; their tracebacks are noise here."""

    application = (
        ApplicationBuilder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .concurrent_updates(PerChatOrder(64))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_error_handler(silent)
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling()
        await tg.wait_polling()
        try:
            return await burst(tg, 100_001)
        finally:
            await application.updater.stop()
            await application.stop()


async def main() -> None:
    print(f"B6: {CHATS} chats send /start within {SPREAD:g} s; stand-in at 30/s, 1/s a chat")
    result: dict[str, Any] = {"chats": CHATS, "spread_s": SPREAD, "latency_ms": LATENCY * 1000}
    runs: list[tuple[str, Callable[[RemoteTelegram], Awaitable[dict[str, Any]]]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        runs = [("ours", lambda tg: ours(tg, Path(tmp))), ("direct", direct)]
        async with RemoteTelegram(latency=LATENCY, implicit_chats=True) as tg:
            for name, run in runs:
                result[name] = await run(tg)
                print(f"  {name}: {result[name]}", flush=True)
    result["floor_last_reply_s"] = round(CHATS / TELEGRAM_RATE, 2)
    result["last_reply_vs_floor"] = round(
        result["ours"]["last_reply_s"] / result["floor_last_reply_s"], 2
    )
    result["answered_vs_direct"] = round(
        result["ours"]["answered"] / max(result["direct"]["answered"], 1), 2
    )
    result["peak_rss_mb"] = peak_rss_mb()
    write_result("b6_burst", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    asyncio.run(main())
