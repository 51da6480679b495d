"""No user-facing English outside the catalog: a scan of the code that writes to chats.

Every string literal in bot/ (less the command line, the logs and the composition root) and
news/delivery/ is looked at with its surroundings. It may hold prose only as a catalog
message: inside ``gettext``, ``ngettext`` or ``N_``. Prose is a literal (or an f-string's
literal parts) with a Latin word left once tags, ``{placeholders}``, ``/commands`` and
character references are taken out, and with a space, a capital or a closing punctuation
mark: a lowercase token like ``"daily"`` or ``"lang:"`` is a key, not a sentence. Logs,
exceptions, asserts, docstrings, comparisons, dictionary keys and ``callback_data`` are not
shown to chats. And whatever a reply, an edit, a toast, a button, a command menu or the
profile is given directly must not be a literal with letters at all.
"""

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO

SCANNED = sorted(
    path
    for folder in ("bot", "news/delivery")
    for path in (REPO / folder).rglob("*.py")
    # The operator's side: the command line, its console output, logs, the composition root,
    # OPML import and the health listener;
    # and the sender, which sends what the outbox holds and records Telegram's errors.
    if path.name
    not in {
        "cli.py",
        "console.py",
        "failures.py",
        "logs.py",
        "app.py",
        "feed_lists.py",
        "health.py",
    }
    and path.name not in {"sender.py", "outgoing.py"}
)
# Literals kept in the database, never shown to a chat: why a chat went inactive.
INTERNAL = {"blocked the bot", "removed the bot"}
CATALOG = {"gettext", "ngettext", "N_"}
PATTERNS = {"compile", "match", "fullmatch", "search", "sub", "split", "findall"}
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}
NOT_SHOWN = {"callback_data", "pattern"}
SINKS = {
    "reply",
    "redraw",
    "answer",
    "InlineKeyboardButton",
    "BotCommand",
    "set_my_description",
    "set_my_short_description",
    "send_message",
    "edit_message_text",
}
# Tags, character references, placeholders, URLs, zone names (Asia/Phnom_Penh), /commands,
# and the one word every language writes so: UTC.
_MARKUP = re.compile(
    r"<[^>]*>|&#?\w+;|\{[^}]*\}|https?://\S+|[A-Za-z_]+/[A-Za-z_]*|/[a-z_]+|\bUTC\b"
)
_WORD = re.compile(r"[A-Za-z]{2,}")


def prose(text: str) -> bool:
    """Whether a literal reads as words to a person rather than as a key or markup."""
    bare = _MARKUP.sub(" ", text).strip()
    return bool(_WORD.search(bare)) and (" " in bare or bare != bare.lower())


def literal_text(node: ast.AST) -> str | None:
    """A literal's text, an f-string's literal parts with ``{}`` for what it interpolates."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "{}"
            for part in node.values
        )
    return None


def call_name(node: ast.Call) -> str:
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


class Scan(ast.NodeVisitor):
    """Collects ``(line, text)`` of the literals that break the rules in one module."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []

    def visit_Expr(self, node: ast.Expr) -> None:
        if literal_text(node.value) is None:  # a docstring is a bare literal: skipped
            self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = call_name(node)
        if name in CATALOG or name in LOGGING or name in PATTERNS:
            return
        if name in SINKS:
            shown = [k.value for k in node.keywords if k.arg not in NOT_SHOWN]
            for argument in [*node.args, *shown]:
                text = literal_text(argument)
                if text is not None and _WORD.search(_MARKUP.sub(" ", text)):
                    self.found.append((node.lineno, text))
        for keyword in node.keywords:
            if keyword.arg not in NOT_SHOWN:
                self.visit(keyword.value)
        for argument in node.args:
            self.visit(argument)
        self.visit(node.func)

    def visit_Raise(self, node: ast.Raise) -> None:
        return

    def visit_Assert(self, node: ast.Assert) -> None:
        return

    def visit_Compare(self, node: ast.Compare) -> None:
        return

    def visit_Subscript(self, node: ast.Subscript) -> None:
        self.visit(node.value)

    def visit_Dict(self, node: ast.Dict) -> None:
        for value in node.values:
            self.visit(value)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._body(node.body)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._body(node.body)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._body(node.body)

    def _body(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.visit(statement)

    def visit_Constant(self, node: ast.Constant) -> None:
        self._check(node)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        self._check(node)
        for part in node.values:
            if isinstance(part, ast.FormattedValue):
                self.visit(part.value)

    def _check(self, node: ast.Constant | ast.JoinedStr) -> None:
        text = literal_text(node)
        if text is not None and prose(text) and text not in INTERNAL:
            self.found.append((node.lineno, text))


def offences(source: str) -> Iterator[tuple[int, str]]:
    scan = Scan()
    scan.visit(ast.parse(source))
    yield from scan.found


@pytest.mark.parametrize("path", SCANNED, ids=lambda p: str(p.relative_to(REPO)))
def test_no_user_facing_text_bypasses_the_catalog(path: Path):
    assert list(offences(path.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(
    ("source", "caught"),
    [
        ('await reply(update, context, "Done.")', True),
        ('await reply(update, context, f"Following {title}.")', True),
        ('text = f"Stopped following <b>{title}</b>."', True),
        ('text = "No topic called " + name', True),
        ('await query.answer("ok")', True),
        ('InlineKeyboardButton("Older ›", callback_data=data)', True),
        ('text = tr.gettext("Stopped following {title}.").format(title=title)', False),
        ('STALE = N_("This button no longer works.")', False),
        ('log.warning("could not send a reply to chat %s", chat_id)', False),
        ('raise ValueError(f"not a chat setting: {name}")', False),
        ('button = InlineKeyboardButton(label, callback_data=f"{SETTING}mode:{mode}")', False),
        ('MODES = ("instant", "daily", "weekly", "off")', False),
        ('line = f"<b>{title}</b> — {count}"', False),
    ],
)
def test_the_scan_tells_prose_from_keys_and_markup(source: str, caught: bool):
    assert bool(list(offences(source))) == caught
