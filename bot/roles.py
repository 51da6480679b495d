"""What a process does: ``rights-digest run --role updates,send,schedule,poll``.

One process does all four (the default, and what a small server runs). Split across
processes: ``updates`` answers commands and buttons (one per token: Telegram gives updates
to one consumer), ``send`` drains the outbox (one pacer per token keeps Telegram's limits),
``schedule`` runs fan-out, digests and housekeeping, ``poll`` reads the feeds. Any number of
processes may run ``send`` or ``schedule``: one leads each, the others stand by.
"""

ROLES = ("updates", "send", "schedule", "poll")
ALL = frozenset(ROLES)
# Roles one process at a time leads, holding a lease (bot.leadership); others stand by.
LED = ("updates", "send", "schedule")
# Which role runs each recurring job (bot.app.recurring_jobs names them).
JOB_ROLES = {
    "poll": "poll",
    "context": "poll",
    "alerts": "schedule",
    "digests": "schedule",
    "housekeeping": "schedule",
}


class RoleError(ValueError):
    """An unknown role was asked for."""


def parse_roles(text: str | None) -> frozenset[str]:
    """ "updates,send" (or "updates send") to roles; None or "" means all of them."""
    if not text or not text.strip():
        return ALL
    asked = {word.strip().lower() for word in text.replace(",", " ").split()}
    unknown = sorted(asked - ALL)
    if unknown:
        raise RoleError(f"unknown role {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    return frozenset(asked)
