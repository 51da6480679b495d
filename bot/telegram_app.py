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
from bot.commands import ADMIN, DESCRIPTION, PUBLIC, SHORT_DESCRIPTION, Command
from bot.context import SERVICES_KEY, BotServices
from bot.handlers import register
from bot.logs import redact_token
from bot.outgoing import Outgoing, pacer_for
from bot.pacing import Pacer
from bot.sender import Sender
from bot.updates import PerChatOrder
from jobs.schedule import RecurringJob, schedule_on_job_queue
from news.config import Config
from news.i18n.catalogs import SOURCE, available_languages, translator
from news.i18n.translator import Translator

log = logging.getLogger(__name__)


def build_application(
    services: Services, token: str, *, config_path: Path | None, pacer: Pacer | None = None
) -> Application:  # type: ignore[type-arg]
    """The PTB Application with our handlers, defaults and services; not started. Replies
    and pushes share one pacer, by default for the configured limits."""
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
    outgoing = Outgoing(pacer or pacer_for(services.config.delivery))
    application.bot_data[SERVICES_KEY] = BotServices(services, outgoing, config_path)
    register(application)
    return application


async def publish_commands(
    application: Application,  # type: ignore[type-arg]
    admins: Sequence[int],
    default: str = SOURCE,
) -> None:
    """The bot's profile: what a new user's empty chat says before /start, the line on its
    profile page, and the command menu (admin commands in admins' private chats only): in
    each language for the Telegram clients set to it, and in ``default`` for all others."""
    await _publish(application, admins, translator(default), None)
    for language in available_languages():
        await _publish(application, admins, translator(language), language)


async def _publish(
    application: Application,  # type: ignore[type-arg]
    admins: Sequence[int],
    tr: Translator,
    code: str | None,
) -> None:
    bot = application.bot
    await bot.set_my_description(tr.gettext(DESCRIPTION), language_code=code)
    await bot.set_my_short_description(tr.gettext(SHORT_DESCRIPTION), language_code=code)
    public = _menu(PUBLIC, tr)
    await bot.set_my_commands(public, language_code=code)
    for admin in admins:
        scope = BotCommandScopeChat(admin)
        await bot.set_my_commands(public + _menu(ADMIN, tr), scope=scope, language_code=code)


def _menu(commands: Sequence[Command], tr: Translator) -> list[BotCommand]:
    return [BotCommand(c.name, tr.gettext(c.description)) for c in commands]


async def serve(
    application: Application,  # type: ignore[type-arg]
    stop: asyncio.Event,
    jobs: Sequence[RecurringJob],
) -> None:
    """Run the bot and ``jobs`` with long polling until ``stop`` is set, then shut down."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    async with application:
        config = services.config
        await publish_commands(application, config.telegram.admins, config.chats.language)
        assert application.job_queue is not None
        sender = Sender(
            services.services.db,
            application.bot,
            services.config.delivery,
            outgoing=services.outgoing,
        )
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
