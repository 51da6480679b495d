"""B9 split replies: ``run --role updates`` and ``run --role send`` in two processes, timed.

100 chats send /start within 2 s to a split deployment, first with nothing else being sent,
then during a broadcast to 1,000 chats. Beside it, in the same run: the same /start burst to
one process running both roles (one pacer: the floor), and, with ``--before REPO``, the same
split runs on another checkout's code (``main`` before the rate was lent: a fixed
``reply_share`` of 5%). The processes run on a SQLite file (its lock makes the one sender);
the stand-in runs in a process of its own at Telegram's limits (30/s overall, 1/s per chat)
with 50 ms of round trip.

    git worktree add --detach /tmp/b9-main main  # then compile its catalogs (make compile)
    python -m bench.b9_split --before /tmp/b9-main
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.common import REPO, write_result
from bench.telegram_process import RemoteTelegram
from news.store.db import open_database
from tests.outbox import add_chats, queue_messages
from tests.reliability.fleet import Processes, until, write_config

REPLIERS = range(100_001, 100_101)
PUSHES = 1000
LATENCY = 0.05
WAIT = 600.0  # a deadline for a stuck run, not a timing


class InRepo(Processes):
    """The fleet's processes, on the code of ``repo`` (its own checkout, this venv)."""

    def __init__(self, config: Path, tmp: Path, token: str, repo: Path) -> None:
        super().__init__(config, tmp, token)
        self.repo = repo

    def start(self, name: str, role: str) -> None:
        env = os.environ | {
            "PYTHONUNBUFFERED": "1",
            "TELEGRAM_BOT_TOKEN": self.token,
            "PYTHONPATH": str(self.repo),  # ahead of this venv's editable install
        }
        with self.log(name).open("ab") as out:
            self.running[name] = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run", "--role", role, "--config",
                 str(self.config)],
                cwd=self.repo, env=env, stdout=out, stderr=out,
            )  # fmt: skip


async def scenario(
    repo: Path, roles: list[str], pushes: int, **delivery: object
) -> dict[str, Any]:
    """/start from 100 chats to ``roles`` (one process per entry), during ``pushes`` pushes."""
    with tempfile.TemporaryDirectory(prefix="b9-") as name:
        tmp = Path(name)
        url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        async with RemoteTelegram(latency=LATENCY, implicit_chats=True) as tg:
            config = write_config(tmp, [], url, tg.base_url, **delivery)
            env = os.environ | {"PYTHONPATH": str(repo)}
            upgrade = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot.cli", "db", "upgrade", "--config", str(config),
                cwd=repo, env=env,
            )  # fmt: skip
            if await upgrade.wait():
                raise RuntimeError(f"db upgrade failed in {repo}")
            if pushes:
                db = open_database(url)
                now = datetime.now(UTC)
                chats = await add_chats(db, range(1, pushes + 1), topic="cambodia-eba",
                                        since=now - timedelta(1))  # fmt: skip
                await queue_messages(db, chats, now)
                await db.close()
            processes = InRepo(config, tmp, tg.token, repo)
            try:
                for role in roles:
                    processes.start(role, role)
                for role in roles:
                    await until(lambda r=role: processes.says(r, "bot running"), processes,
                                within=WAIT, what=f"{role} to start")  # fmt: skip
                if pushes:
                    await tg.wait_reached(pushes // 10, within=WAIT)  # under way
                await tg.burst(REPLIERS.start, REPLIERS.stop - 1, "/start", over=2.0)
                await tg.settle(REPLIERS.start, REPLIERS.stop - 1, within=WAIT, quiet=60)
                replies = await tg.replies(REPLIERS.start, REPLIERS.stop - 1)
                result: dict[str, Any] = {"replies": replies}
                if pushes:
                    await tg.wait_chats(1, pushes, within=WAIT)
                    result["pushes"] = await tg.sends(1, pushes)
                result["reply_429s"] = (await tg.sends(REPLIERS.start, REPLIERS.stop - 1))[
                    "http_429"
                ]
            finally:
                processes.stop_all()
    return result


async def measure(before: Path | None, only: str | None = None) -> dict[str, Any]:
    split = ["updates", "send"]
    if only is not None:  # one run, to look at it again
        return {only: await scenario(before or REPO, split, PUSHES if "broadcast" in only else 0)}
    runs: dict[str, Any] = {
        "one process, idle": await scenario(REPO, ["updates,send"], 0),
        "one process, broadcast": await scenario(REPO, ["updates,send"], PUSHES),
        "split, idle": await scenario(REPO, split, 0),
        "split, broadcast": await scenario(REPO, split, PUSHES),
    }
    if before is not None:  # main: the static share, as configured there by default
        runs["before: split, idle"] = await scenario(before, split, 0)
        runs["before: split, broadcast"] = await scenario(before, split, PUSHES)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--only", help='one split run: "split, idle" or "split, broadcast"')
    args = parser.parse_args()
    print(f"B9: 100 /start to a split deployment, idle and during {PUSHES} pushes", flush=True)
    runs = asyncio.run(measure(args.before, args.only))
    if "one process, idle" in runs:
        floor = runs["one process, idle"]["replies"]["last_reply_s"]
        for run in runs.values():  # beside the baseline from the same run
            run["last_reply_vs_one_process"] = round(run["replies"]["last_reply_s"] / floor, 2)
    result = {"load_average": os.getloadavg(), "runs": runs}
    write_result("b9_split", result)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
