"""The one table of commands: it feeds set_my_commands, /help and the README (a test checks)."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    """A bot command as users see it."""

    name: str
    description: str
    usage: str = ""
    admin: bool = False

    @property
    def synopsis(self) -> str:
        """``/latest [TOPIC] [N]``."""
        return f"/{self.name} {self.usage}".rstrip()


# The profile: what an empty chat shows before /start (at most 512 characters), and the line
# under the bot's name (at most 120). Telegram shows them to people who have not started it.
DESCRIPTION = (
    "Human-rights news, summarised: stories on the topics you choose (Cambodia and the EU's "
    "trade preferences, NGO and civil-society freedoms, and more), each a short summary with "
    "links to the story in context and to the original publisher. Instant alerts or a daily "
    "or weekly digest, at your hour. I store only this chat's id, type and settings: no "
    "names, no messages. Press Start to choose topics; /privacy says more; /forget erases it."
)
SHORT_DESCRIPTION = "Human-rights news digests: short summaries, links to the full story."

COMMANDS: tuple[Command, ...] = (
    Command("start", "Welcome, privacy in one line, and the topic picker"),
    Command("topics", "Every topic, a page at a time; tap to follow or stop following"),
    Command("subscribe", "Follow a topic by name", "TOPIC"),
    Command("unsubscribe", "Stop following a topic", "TOPIC"),
    Command(
        "latest", "The newest stories by date (up to 10); older ones a tap away", "[TOPIC] [N]"
    ),
    Command(
        "settings", "Alerts or a digest, its hour and time zone; discreet, silent, quiet hours"
    ),
    Command("privacy", "Exactly what is stored about this chat, and for how long"),
    Command("forget", "Erase everything stored about this chat"),
    Command("help", "What each command does"),
    Command("stats", "Counts: chats, subscriptions per topic, stories, outbox", admin=True),
    Command("feeds", "Each feed's health: last success, status, error, next poll", admin=True),
    Command("reload", "Re-read the config file without a restart", admin=True),
)

PUBLIC = tuple(c for c in COMMANDS if not c.admin)
ADMIN = tuple(c for c in COMMANDS if c.admin)
BY_NAME = {c.name: c for c in COMMANDS}


def help_text(*, is_admin: bool) -> str:
    """The /help reply (HTML), built from COMMANDS."""
    lines = ["<b>What I can do</b>"]
    lines += [f"{c.synopsis} — {c.description}" for c in PUBLIC]
    if is_admin:
        lines += ["", "<b>Admin</b>"] + [f"{c.synopsis} — {c.description}" for c in ADMIN]
    lines += [
        "",
        "Examples: <code>/subscribe EBA</code>, <code>/latest 5</code>, "
        "<code>/settings daily 07:30 Asia/Phnom_Penh</code>",
    ]
    return "\n".join(lines)
