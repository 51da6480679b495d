"""Running the real PTB application against the loopback Bot API stand-in, for tests."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from bot.app import Services, open_services
from bot.pacing import Pacer
from bot.roles import ALL
from bot.telegram_app import build_application, serve
from news.config import Config
from tests.fakes.telegram import FakeTelegram, SentRecord
from tests.outbox import eventually

ADMIN = 4242
USER = 1001


@dataclass
class BotHarness:
    """A running bot: push updates into ``tg`` and read what the bot sent back."""

    tg: FakeTelegram
    services: Services
    config_path: Path | None = None
    pacer: Pacer | None = None  # None: the configured limits
    roles: frozenset[str] = ALL
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        application = build_application(
            self.services, self.tg.token, config_path=self.config_path, pacer=self.pacer
        )
        # No scheduled jobs: tests run polls and ticks themselves, with their own clock.
        self._task = asyncio.create_task(serve(application, self._stop, [], self.roles))
        if "updates" in self.roles:
            await self.tg.await_for(
                lambda: self.tg.pollers > 0 or self.tg.webhook_url or self._task_failed()
            )

    async def stop(self) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    def _task_failed(self) -> bool:
        if self._task is not None and self._task.done():
            self._task.result()  # raises what went wrong
        return False

    async def say(
        self,
        text: str,
        *,
        chat_id: int = USER,
        user_id: int | None = None,
        chat_type: str = "private",
        replies: int = 1,
        language_code: str | None = None,
    ) -> list[SentRecord]:
        """Send ``text`` as a user and wait for ``replies`` new bot messages in that chat."""
        before = len(self.tg.sent(chat_id))
        self.tg.push_message(
            chat_id, user_id or chat_id, text, chat_type=chat_type, language_code=language_code
        )
        await self.tg.await_for(lambda: len(self.tg.sent(chat_id)) >= before + replies)
        return self.tg.sent(chat_id)[before:]

    async def begin(self, language: str = "en", *, chat_id: int = USER) -> SentRecord:
        """A chat's first /start, its language picked: the welcome it turns into."""
        [picker] = await self.say("/start", chat_id=chat_id)
        return await self.tap(picker, f"lang:{language}:start")

    async def post(self, text: str, *, chat_id: int, replies: int = 1) -> list[SentRecord]:
        """Post ``text`` in a channel (as its administrators do) and wait for the replies."""
        before = len(self.tg.sent(chat_id))
        self.tg.push_channel_post(chat_id, text)
        await self.tg.await_for(lambda: len(self.tg.sent(chat_id)) >= before + replies)
        return self.tg.sent(chat_id)[before:]

    async def tap(
        self, message: SentRecord, data: str, *, user_id: int | None = None, edits: bool = True
    ) -> SentRecord:
        """Press an inline button; wait for the answer (and the edit); return the message."""
        versions = len(self.versions(message))
        self.tg.push_callback(
            message.chat_id, user_id or message.chat_id, message.message_id, data
        )
        query_id = self.tg.last_callback_query_id
        await self.tg.await_for(lambda: self.tg.callback_answer(query_id) is not None)
        if edits:
            await self.tg.await_for(lambda: len(self.versions(message)) > versions)
        return self.versions(message)[-1]

    def answer_text(self) -> str:
        """The text of the last callback answer (the toast the user saw)."""
        answer = self.tg.callback_answer(self.tg.last_callback_query_id) or {}
        return str(answer.get("text", ""))

    def versions(self, message: SentRecord) -> list[SentRecord]:
        """Every send and edit of ``message``, oldest first."""
        return [r for r in self.tg.sent(message.chat_id) if r.message_id == message.message_id]

    async def poll(self, now: datetime) -> None:
        """One poll cycle, as the scheduled job would run it."""
        await self.services.poller.poll_due(now)

    async def wait(self, predicate: Callable[[], object]) -> None:
        """Wait for a condition on the transcript."""
        await self.tg.await_for(predicate)

    async def eventually(self, predicate: Callable[[], Awaitable[bool]]) -> None:
        """Wait (up to 5 s) for an async condition on the database."""
        await eventually(predicate)


def unpaced() -> Pacer:
    """A pacer for a stand-in without limits: one message in flight per chat, nothing more."""
    return Pacer(global_rate=10_000.0, private_interval=0.0, group_per_minute=10_000)


@contextlib.asynccontextmanager
async def running_bot(
    tg: FakeTelegram, config: Config, *, config_path: Path | None = None
) -> AsyncIterator[BotHarness]:
    """Open the services and run the bot until the block ends. Against a stand-in that
    enforces Telegram's limits the bot paces itself by the config; against one that does
    not, it need not wait either (the limit tests turn them on)."""
    pacer = None if tg.enforce_limits else unpaced()
    async with open_services(config) as services:
        harness = BotHarness(tg, services, config_path, pacer)
        await harness.start()
        try:
            yield harness
        finally:
            await harness.stop()


def buttons(record: SentRecord) -> list[tuple[str, str]]:
    """(label, callback data) of every inline button of a sent message."""
    markup = record.reply_markup or {}
    return [
        (button["text"], button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
