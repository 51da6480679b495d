"""The one table of commands: it feeds set_my_commands, /help and the README (a test checks)."""

from dataclasses import dataclass

from news.i18n.translator import N_, Translator


@dataclass(frozen=True, slots=True)
class Command:
    """A bot command as users see it; ``description`` and ``usage`` are catalog messages."""

    name: str
    description: str
    usage: str = ""
    admin: bool = False

    def synopsis(self, tr: Translator) -> str:
        """``/latest [TOPIC] [N]``, its arguments in the chat's language."""
        return f"/{self.name} {tr.gettext(self.usage) if self.usage else ''}".rstrip()


# The profile: what an empty chat shows before /start (at most 512 characters), and the line
# under the bot's name (at most 120). Telegram shows them to people who have not started it.
# i18n: The bot's profile, shown before the first /start: at most 512 characters.
DESCRIPTION = N_(
    "Human-rights news, summarised: stories on the topics you choose (Cambodia and the EU's "
    "trade preferences, NGO and civil-society freedoms, and more), each a short summary with "
    "links to the story in context and to the original publisher. Instant alerts or a daily "
    "or weekly digest, at your hour. I store only this chat's id, type and settings: no "
    "names, no messages. Press Start to choose topics; /privacy says more; /forget erases it."
)
# i18n: The line under the bot's name on its profile: at most 120 characters.
SHORT_DESCRIPTION = N_("Human-rights news digests: short summaries, links to the full story.")

# i18n: Command descriptions, in Telegram's command menu and /help (at most 256 characters).
COMMANDS: tuple[Command, ...] = (
    Command("start", N_("Welcome, privacy in one line, and the topic picker")),
    Command("topics", N_("Every topic, a page at a time; tap to follow or stop following")),
    # i18n: TOPIC stands for a topic's name, typed after the command.
    Command("subscribe", N_("Follow a topic by name"), N_("TOPIC")),
    Command("unsubscribe", N_("Stop following a topic"), N_("TOPIC")),
    Command(
        "latest",
        N_("The newest stories by date (up to 10); older ones a tap away"),
        # i18n: TOPIC is a topic's name, N a number of stories; both optional.
        N_("[TOPIC] [N]"),
    ),
    Command(
        "settings",
        N_("Alerts or a digest, its hour and time zone; discreet, silent, quiet hours"),
    ),
    Command("language", N_("The language I write in")),
    Command("privacy", N_("Exactly what is stored about this chat, and for how long")),
    Command("forget", N_("Erase everything stored about this chat")),
    Command("help", N_("What each command does")),
    Command("stats", N_("Counts: chats, subscriptions per topic, stories, outbox"), admin=True),
    Command("feeds", N_("Each feed's health: last success, status, error, next poll"), admin=True),
    Command("reload", N_("Re-read the config file without a restart"), admin=True),
)

PUBLIC = tuple(c for c in COMMANDS if not c.admin)
ADMIN = tuple(c for c in COMMANDS if c.admin)
BY_NAME = {c.name: c for c in COMMANDS}


def help_text(tr: Translator, *, is_admin: bool) -> str:
    """The /help reply (HTML), built from COMMANDS."""
    # i18n: The heading of /help.
    lines = ["<b>" + tr.gettext("What I can do") + "</b>"]
    lines += [_line(c, tr) for c in PUBLIC]
    if is_admin:
        # i18n: The heading of the admin commands in /help.
        lines += ["", "<b>" + tr.gettext("Admin") + "</b>"] + [_line(c, tr) for c in ADMIN]
    # i18n: Commands as typed: translate the words a chat may type in your language, if
    # /settings understands them (its modes and on/off), and keep the command names.
    examples = tr.gettext(
        "Examples: <code>/subscribe EBA</code>, <code>/latest 5</code>, "
        "<code>/settings daily 07:30 Asia/Phnom_Penh</code>"
    )
    return "\n".join([*lines, "", examples])


def _line(command: Command, tr: Translator) -> str:
    return f"{command.synopsis(tr)} — {tr.gettext(command.description)}"
