"""The Telegram side of the composition root: the PTB Application, its jobs, its lifecycle."""

import asyncio
import gc
import logging
import secrets
import signal
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeChat, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, Defaults, Updater

from bot.app import Services, open_services, recurring_jobs
from bot.commands import ADMIN, DESCRIPTION, PUBLIC, SHORT_DESCRIPTION, Command
from bot.context import SERVICES_KEY, BotServices
from bot.handlers import register
from bot.health import listening
from bot.leadership import Lead, receive_while_leading, send_while_leading
from bot.logs import redact_token
from bot.outgoing import Outgoing, pacer_for
from bot.pacing import Pacer
from bot.rate_share import RateShare, splits
from bot.roles import ALL, LED
from bot.sender import Sender
from bot.updates import PerChatOrder
from jobs.schedule import RecurringJob, schedule_on_job_queue
from news.config import Config, WebhookConfig
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
    roles: frozenset[str] = ALL,
    leads: Mapping[str, Lead] | None = None,
) -> None:
    """Run ``roles`` (updates by long polling or webhook, the sender while this process leads
    ``send``) and ``jobs`` until ``stop`` is set, then shut down."""
    services: BotServices = application.bot_data[SERVICES_KEY]
    app_services, config = services.services, services.config
    if leads is None:
        leads = leads_for(app_services, roles)
    async with application:
        if "updates" in roles:
            await publish_commands(application, config.telegram.admins, config.chats.language)
        assert application.job_queue is not None
        release = asyncio.Event()  # the leases go once the sender has settled what it sent
        keeping = [asyncio.create_task(lead.keep(release)) for lead in leads.values()]
        if (shared := splits(roles)) is not None:  # lend the other process idle rate
            sharing = _rate_share(app_services, services.outgoing, shared, leads.get(shared))
            keeping.append(asyncio.create_task(sharing.keep(release), name="rate_share"))
        sending = None
        if "send" in leads:
            sending = asyncio.create_task(
                send_while_leading(
                    leads["send"],
                    partial(_sender, application, services, leads["send"].holds),
                    stop,
                    started=partial(_wire, app_services),
                ),
                name="sender",
            )
        elif "send" in roles:  # a SQLite file: its lock makes this the one sender, or refuses
            sender = _sender(application, services, lambda: True)
            await sender.start()  # a second sender on a SQLite file stops here, in one line
            _wire(app_services, sender)
            sending = asyncio.create_task(sender.run(stop), name="sender")
        schedule_on_job_queue(application.job_queue, jobs)
        await application.start()
        assert application.updater is not None
        receiving = None
        if "updates" in leads:
            updater = application.updater
            receiving = asyncio.create_task(
                receive_while_leading(
                    leads["updates"],
                    partial(receive_updates, updater, config.telegram.webhook),
                    partial(_stop_receiving, updater),
                    stop,
                ),
                name="updates",
            )
        log.info("bot running as @%s: %s", application.bot.username, ", ".join(sorted(roles)))
        # Everything loaded so far lives as long as the process: keep it out of the garbage
        # collector's scans, whose pauses would otherwise grow with it and stall replies.
        gc.collect()
        gc.freeze()
        with listening(
            config.health.listen, app_services.observer, app_services.db, config.polling.every
        ):
            await stop.wait()
        if receiving is not None:
            await receiving
        await _stop_receiving(application.updater)
        if sending is not None:
            await sending
        release.set()
        await asyncio.gather(*keeping)
        await application.stop()


async def _stop_receiving(updater: Updater) -> None:
    if updater.running:
        await updater.stop()


def leads_for(services: Services, roles: frozenset[str]) -> dict[str, Lead]:
    """A lease for each led role this process runs (``updates``, ``send``, ``schedule``); not
    ``send`` on a SQLite file: its lock already makes one sender (the OS lets it go when the
    process dies, so a restart sends at once), and refuses a second one (a standby on the
    same machine adds nothing a restart does not)."""
    lease = services.config.roles.lease
    alone = services.db.engine.dialect.name == "sqlite"
    return {
        role: Lead(services.db, role, lease, observer=services.observer)
        for role in LED
        if role in roles and not (role == "send" and alone)
    }


def _rate_share(services: Services, outgoing: Outgoing, role: str, lead: Lead | None) -> RateShare:
    """``role``'s share of the token's rate; kept while this process leads the role (a
    sender on a SQLite file is the only one: its lock says so, not a lease)."""
    return RateShare(
        services.db,
        role,
        outgoing,
        services.config.delivery.global_rate,
        leading=lead.holds if lead is not None else lambda: True,
        raised=lambda: services.dispatcher.wake(),  # the sender claims more once raised
    )


def _sender(
    application: Application,  # type: ignore[type-arg]
    services: BotServices,
    may_send: Callable[[], bool],
) -> Sender:
    return Sender(
        services.services.db,
        application.bot,
        services.config.delivery,
        outgoing=services.outgoing,
        observer=services.services.observer,
        may_send=may_send,
    )


def _wire(services: Services, sender: Sender) -> None:
    """Fan-out and digests in this process wake the sender that now leads."""
    services.dispatcher.wake = sender.wake


async def receive_updates(updater: Updater, webhook: WebhookConfig | None) -> None:
    """Long polling, or Telegram posting to ``webhook.url`` with a secret new at each start:
    a request without it is refused (403) before any handler sees it."""
    if webhook is None:
        await updater.start_polling(allowed_updates=None, drop_pending_updates=False)
        return
    host, _, port = webhook.listen.rpartition(":")
    await updater.start_webhook(
        listen=host,
        port=int(port),
        url_path=urlsplit(webhook.url).path.lstrip("/"),
        webhook_url=webhook.url,
        secret_token=secrets.token_urlsafe(32),
        allowed_updates=None,
        drop_pending_updates=False,
    )
    log.info("receiving updates at %s (listening on %s)", webhook.url, webhook.listen)


async def run(
    config: Config, token: str, config_path: Path | None, roles: frozenset[str] = ALL
) -> None:
    """Open the services, run ``roles`` until SIGINT/SIGTERM, close everything."""
    redact_token(token)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with open_services(config) as services:
        application = build_application(
            services, token, config_path=config_path, pacer=pacer_for(config.delivery)
        )
        leads = leads_for(services, roles)
        schedule = leads.get("schedule")
        leading = schedule.holds if schedule is not None else lambda: False
        jobs = recurring_jobs(services, deliver=True, roles=roles, leading=leading)
        await serve(application, stop, jobs, roles, leads)


def run_bot(
    config: Config, token: str, config_path: Path | None = None, roles: frozenset[str] = ALL
) -> None:
    """``rights-digest run`` with a token."""
    asyncio.run(run(config, token, config_path, roles))
