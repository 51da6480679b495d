"""The Telegram side of the composition root: the PTB Application, its jobs, its lifecycle."""

import asyncio
import gc
import logging
import signal
from collections.abc import Sequence
from pathlib import Path

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults

from bot.app import Services, open_services, recurring_jobs
from bot.commands import ADMIN, DESCRIPTION, PUBLIC, SHORT_DESCRIPTION
from bot.context import SERVICES_KEY, BotServices
from bot.handlers import register
from bot.logs import redact_token
from bot.sender import Sender
from bot.updates import PerChatOrder
from jobs.schedule import RecurringJob, schedule_on_job_queue
from news.config import Config

log = logging.getLogger(__name__)


def build_application(services: Services, token: str, *, config_path: Path | None) -> Application:  # type: ignore[type-arg]
    """The PTB Application with our handlers, defaults and services; not started."""
    base = services.config.telegram.api_base_url.rstrip("/")
    application = (
        ApplicationBuilder()
        .token(token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(PerChatOrder(64))
        .build()
    )
    application.bot_data[SERVICES_KEY] = BotServices(services, config_path)
    register(application)
    return application


async def publish_commands(application: Application, admins: Sequence[int]) -> None:  # type: ignore[type-arg]
    """The bot's profile: what a new user's empty chat says before /start, the line on its
    profile page, and the command menu (admin commands in admins' private chats only)."""
    await application.bot.set_my_description(DESCRIPTION)
    await application.bot.set_my_short_description(SHORT_DESCRIPTION)
    public = [BotCommand(c.name, c.description) for c in PUBLIC]
    await application.bot.set_my_commands(public)
    everything = public + [BotCommand(c.name, c.description) for c in ADMIN]
    for admin in admins:
        await application.bot.set_my_commands(everything, scope=BotCommandScopeChat(admin))


async def serve(
    application: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    jobs: Sequence[RecurringJob],
) -> None:
    """Run the bot and ``jobs`` with long polling until ``stop`` is set, then shut down."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    async with application:
        await publish_commands(application, services.config.telegram.admins)
        assert application.job_queue is not None
        sender = Sender(services.services.db, application.bot, services.config.delivery)
        await sender.start()  # a second sender on a SQLite file stops here, in one line
        services.services.dispatcher.wake = sender.wake
        schedule_on_job_queue(application.job_queue, jobs)
        await application.start()
        sending = asyncio.create_task(sender.run(stop), name="sender")
        assert application.updater is not None
        await application.updater.start_polling(allowed_updates=None, drop_pending_updates=False)
        log.info("bot running as @%s", application.bot.username)
        # Everything loaded so far lives as long as the process: keep it out of the garbage
        # collector's scans, whose pauses would otherwise grow with it and stall replies.
        gc.collect()
        gc.freeze()
        await stop.wait()
        await application.updater.stop()
        await sending
        await application.stop()


async def run(config: Config, token: str, config_path: Path | None) -> None:
    """Open the services, run the bot until SIGINT/SIGTERM, close everything."""
    redact_token(token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with open_services(config) as services:
        application = build_application(services, token, config_path=config_path)
        await serve(application, stop, recurring_jobs(services, deliver=True))


def run_bot(config: Config, token: str, config_path: Path | None = None) -> None:
    """``rights-digest run`` with a token."""
    asyncio.run(run(config, token, config_path))
