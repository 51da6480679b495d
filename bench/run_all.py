"""`make bench`: run every scenario in its own process, then write docs/benchmarks.md."""

import json
import subprocess
import sys
import time
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from bench.common import OUT, REPO, commit, machine

SCENARIOS = (
    "b1_poll",
    "b1_scaling",
    "b2_broadcast",
    "b3_latency",
    "b4_digest",
    "b5_footprint",
    "b6_burst",
    "b7_processes",
    "b8_html",
    "b9_split",
)
DOC = REPO / "docs" / "benchmarks.md"


def run(name: str) -> float:
    """Run one scenario; returns its wall time."""
    print(f"\n=== {name}", flush=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", f"bench.{name}"], cwd=REPO, check=True)
    return time.perf_counter() - start


def load(name: str) -> dict[str, Any]:
    path = OUT / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else {}


def mark(ok: bool) -> str:
    return "yes" if ok else "**no**"


def rows() -> list[tuple[str, str, str, str, str, str]]:
    """(scenario, measure, ours, baseline, target, met) for the table."""
    table: list[tuple[str, str, str, str, str, str]] = []
    b1 = load("b1_poll")
    if b1:
        ours, naive = b1["ours"], b1["naive"]
        # Judged unrounded: 9.96× must not pass as "10.0× — yes".
        speedup = b1["speedup_vs_naive"]
        rounds = b1.get("rounds", 1)
        each = ", ".join(f"{ratio:.2f}×" for ratio in b1.get("round_speedups", ()))
        table += [
            (
                "B1 poll",
                "cold cycle, 500 feeds" + (f" (medians of {rounds} rounds)" if rounds > 1 else ""),
                f"{ours['cold']['wall']} s",
                f"naive loop {naive['cold']['wall']} s",
                "≥ 10× faster",
                f"{speedup:.2f}× — {mark(speedup >= 10)}"
                + (f" (rounds: {each})" if rounds > 1 else ""),
            ),
            (
                "B1 poll",
                "cold vs floor",
                f"{ours['cold']['wall']} s",
                f"floor {b1['floor']} s (parse {b1['parse_floor_cpu']} s CPU ÷ cores + "
                f"network {b1['network_floor']} s); bare httpx downloads the same in "
                f"{b1['bare_httpx']['download']['wall']} s",
                "≤ 2× floor",
                f"{b1['ratio_to_floor']}× — {mark(b1['ratio_to_floor'] <= 2)}",
            ),
            (
                "B1 poll",
                "unchanged cycle",
                f"{ours['unchanged']['wall']} s",
                f"bare httpx, same concurrency {b1['bare_httpx']['unchanged']['wall']} s",
                "≤ 2 s",
                mark(ours["unchanged"]["wall"] <= 2),
            ),
            (
                "B1 poll",
                "10% changed cycle",
                f"{ours['changed']['wall']} s",
                "",
                "≤ 3 s",
                mark(ours["changed"]["wall"] <= 3),
            ),
            (
                "B1 poll",
                "peak RSS, the bot and its parser processes together",
                _tree(ours["tree_peak_mb"]),
                f"naive {naive['tree_peak_mb']['rss']} MB",
                "≤ 250 MB",
                mark(ours["tree_peak_mb"]["rss"] <= 250),
            ),
        ]
    table += _scaling_rows()
    b2 = load("b2_broadcast")
    if b2:
        ours, naive = b2["ours"], b2["naive"]
        table += [
            (
                "B2 broadcast",
                "messages/s, 5,000 chats",
                f"{ours['messages_per_second']}",
                f"for-loop + AIORateLimiter {naive['messages_per_second']}",
                "≥ 27",
                mark(ours["messages_per_second"] >= 27),
            ),
            (
                "B2 broadcast",
                "lost / duplicates",
                f"{ours['lost']} / {ours['duplicates']}",
                f"{naive['lost']} / {naive['duplicates']} of {naive['sent'] + naive['lost']}",
                "0 / 0",
                mark(ours["lost"] == 0 and ours["duplicates"] == 0),
            ),
            (
                "B2 broadcast",
                "429 answers",
                f"{ours['http_429']} ({ours['http_429_share']:.2%})",
                f"{naive['http_429']}",
                "≤ 0.1%",
                mark(ours["http_429_share"] <= 0.001),
            ),
        ]
    b3 = load("b3_latency")
    if b3:
        table += [
            (
                "B3 /latest",
                "p99 idle",
                f"{b3['idle']['p99_ms']} ms",
                f"/help p99 {b3['baseline_help_idle']['p99_ms']} ms "
                f"(/latest p50 {b3['idle']['p50_ms']} ms)",
                "≤ 100 ms",
                mark(b3["idle"]["p99_ms"] <= 100),
            ),
            (
                "B3 /latest",
                "p99 during a cold cycle",
                f"{b3['during_cold_cycle']['p99_ms']} ms",
                f"p50 {b3['during_cold_cycle']['p50_ms']} ms, n={b3['during_cold_cycle']['n']}",
                "≤ 300 ms",
                mark(b3["during_cold_cycle"]["p99_ms"] <= 300),
            ),
        ]
    b4 = load("b4_digest")
    if b4:
        table += [
            (
                "B4 digest",
                "10,000 due digests enqueued",
                f"{b4['first_tick']['wall']} s",
                f"instant fan-out {b4['baseline_instant_fan_out']['wall']} s",
                "≤ 5 s",
                mark(b4["first_tick"]["wall"] <= 5),
            ),
            (
                "B4 digest",
                "second tick adds",
                f"{b4['second_tick']['added']}",
                "",
                "0",
                mark(b4["second_tick"]["added"] == 0),
            ),
        ]
    b5 = load("b5_footprint")
    if b5:
        table += [
            (
                "B5 footprint",
                "start to first getUpdates",
                f"{b5['start_to_first_getUpdates_s']} s",
                f"bare PTB bot {b5['baseline_bare_ptb']['start_to_first_getUpdates_s']} s",
                "≤ 3 s",
                mark(b5["start_to_first_getUpdates_s"] <= 3),
            ),
            (
                "B5 footprint",
                "start to the first reply (/help)",
                f"{b5['start_to_first_reply_s']} s",
                f"bare PTB bot {b5['baseline_bare_ptb']['start_to_first_reply_s']} s",
                "",
                "",
            ),
            (
                "B5 footprint",
                "start to the end of the first poll cycle (500 feeds)",
                f"{b5['first_poll_cycle_done_s']} s",
                "",
                "",
                "",
            ),
            (
                "B5 footprint",
                "idle RSS, the bot and its helper processes together",
                _tree(b5["idle_tree_mb"])
                + _helpers(b5["idle_rss_parser_workers_mb"], b5["idle_rss_resource_tracker_mb"]),
                f"bare PTB bot {b5['baseline_bare_ptb']['idle_rss_mb']} MB",
                "≤ 150 MB",
                mark(b5["idle_tree_mb"]["rss"] <= 150),
            ),
        ]
    return table + _b6_rows() + _b7_rows() + _b8_rows() + _b9_rows()


def _scaling_rows() -> list[tuple[str, str, str, str, str, str]]:
    """B1 on PostgreSQL with one and two poll processes (docs/scaling.md)."""
    scaling = load("b1_scaling")
    if not scaling:
        return []
    one, two, sqlite = (scaling[k] for k in ("postgresql_1", "postgresql_2", "sqlite_1"))
    return [
        (
            "B1 scaling",
            f"{cycle} cycle on PostgreSQL: 1 → 2 poll processes",
            f"{one[cycle]['wall']} s → {two[cycle]['wall']} s",
            f"SQLite, 1 process {sqlite[cycle]['wall']} s",
            "",
            f"{scaling['wall_vs_postgresql_1'][cycle]}× the time",
        )
        for cycle in ("cold", "unchanged")
    ] + [
        (
            "B1 scaling",
            f"feeds fetched twice in a cycle, every run of {scaling['rounds']} rounds",
            str(scaling["fetched_twice_any_round"]),
            "",
            "0",
            mark(scaling["fetched_twice_any_round"] == 0),
        )
    ]


def _b6_rows() -> list[tuple[str, str, str, str, str, str]]:
    b6 = load("b6_burst")
    if not b6:
        return []
    ours, direct = b6["ours"], b6["direct"]
    return [
        (
            "B6 burst",
            f"{b6['chats']} chats send /start within {b6['spread_s']:g} s: answered / lost",
            f"{ours['answered']} / {ours['lost']}",
            f"direct send_message {direct['answered']} / {direct['lost']} "
            f"(ours answers {b6['answered_vs_direct']}×)",
            f"{b6['chats']} / 0",
            mark(ours["answered"] == b6["chats"] and ours["lost"] == 0),
        ),
        (
            "B6 burst",
            "429 answers, share of sends",
            f"{ours['http_429']} ({ours['http_429_share']:.2%})",
            f"direct {direct['http_429']} ({direct['http_429_share']:.2%})",
            "≤ 0.1%",
            mark(ours["http_429_share"] <= 0.001),
        ),
        (
            "B6 burst",
            "time to the last reply (a chat's wait: p50, p95)",
            f"{ours['last_reply_s']} s ({ours['p50_s']} s, {ours['p95_s']} s)",
            f"floor at 30 messages/s {b6['floor_last_reply_s']} s; direct's last answered "
            f"{direct['last_reply_s']} s",
            "",
            f"{b6['last_reply_vs_floor']}× the floor",
        ),
    ]


def _b7_rows() -> list[tuple[str, str, str, str, str, str]]:
    b7 = load("b7_processes")
    if not b7:
        return []
    pushes = b7["pushes"]
    return [
        ("B7 processes", f"6 processes, {b7['chats']:,} chats: sends/s (29/s lent)",
         f"{pushes['messages_per_second']}/s", "one process: B2", "≥ 27/s",
         mark(pushes["messages_per_second"] >= 27)),
        ("B7 processes", "429 answers (pushes and replies)",
         f"{pushes['http_429'] + b7['replies']['http_429']} ({pushes['http_429_share']:.2%} of "
         "pushes)", "", "≤ 0.1%", mark(pushes["http_429_share"] <= 0.001)),
        ("B7 processes", "lost / doubled (in flight at the kill) / feeds fetched twice",
         f"{b7['lost']} / {b7['duplicates']} ({b7['in_flight_at_kill']}) / "
         f"{b7['feeds_fetched_twice']}", "", "0 / ≤ in flight / 0",
         mark(b7["lost"] == 0 and b7["duplicates"] <= b7["in_flight_at_kill"]
              and b7["feeds_fetched_twice"] == 0)),
        ("B7 processes", "kill -9 the active sender: longest pause in sending",
         f"{b7['takeover_pause_s']} s", "lease 5 s", "≤ one lease (+ its poll)",
         mark(b7["takeover_pause_s"] <= 6.5)),
    ]  # fmt: skip


def _b8_rows() -> list[tuple[str, str, str, str, str, str]]:
    b8 = load("b8_html")
    if not b8:
        return []
    corpus = b8["corpus"]
    ours, libraries = corpus["ours"], ("selectolax", "lxml")
    size = f"{corpus['items']:,} corpus items that are HTML ({corpus['megabytes']} MB)"
    worst = {name: _worst_ratio(b8, name) for name in ("ours", *libraries)}
    return [
        (
            "B8 HTML",
            f"item HTML to text and links, CPU per MB: {size}",
            f"{ours['ms_per_mb']} ms/MB",
            ", ".join(
                f"{name} {corpus[name]['ms_per_mb']} ms/MB ({corpus[name]['vs_ours']}×)"
                for name in libraries
            ),
            "a library as fast as ours",
            "ours is fastest: kept",
        ),
        (
            "B8 HTML",
            f"items whose text / links differ from ours: {size}",
            "",
            ", ".join(
                f"{name} {corpus[name]['text_differs']} / {corpus[name]['links_differ']}"
                for name in libraries
            ),
            "",
            "",
        ),
        (
            "B8 HTML",
            "hostile HTML, worst time ratio for twice the size (1→2, 2→4 MB; table below)",
            f"{worst['ours']}",
            ", ".join(f"{name} {worst[name]}" for name in libraries),
            "≈ 2× (linear)",
            mark(worst["ours"].endswith("×") and float(worst["ours"][:-1]) <= 3),
        ),
    ]


def _worst_ratio(b8: dict[str, Any], reader: str) -> str:
    """The largest time ratio between a hostile case's successive sizes, or a cap."""
    ratios = []
    for runs in (case[reader] for case in b8["hostile"].values()):
        if any(run is None for run in runs):
            return f"over {b8['cap']:g} s at {_first_capped(b8, runs)} MB"
        # Runs of a few milliseconds are all noise: only those of 50 ms or more are judged.
        ratios += [b["cpu_s"] / a["cpu_s"] for a, b in pairwise(runs) if a["cpu_s"] >= 0.05]
    return f"{max(ratios):.1f}×"


def _first_capped(b8: dict[str, Any], runs: list[dict[str, float] | None]) -> int:
    sizes: list[int] = b8["sizes_mb"]
    return next(size for size, run in zip(sizes, runs, strict=True) if run is None)


def b8_hostile_rows() -> list[tuple[str, ...]]:
    """(case, reader, CPU at each size, ratios, peak RSS, text characters at the largest)."""
    b8 = load("b8_html")
    table: list[tuple[str, ...]] = []
    for case, readers in (b8 or {}).get("hostile", {}).items():
        for reader, runs in readers.items():
            times = [f"{run['cpu_s']} s" if run else f"> {b8['cap']:g} s" for run in runs]
            ratios = [
                f"{b['cpu_s'] / max(a['cpu_s'], 0.001):.1f}×" if a and b else "—"
                for a, b in pairwise(runs)
            ]
            done = [run for run in runs if run]
            last = done[-1] if done else None
            memory = f"{last['peak_mb']} MB (+{last['peak_growth_mb']})" if last else "—"
            chars = f"{int(last['text_chars']):,}" if last else "—"
            table.append(("`" + case + "`", reader, " / ".join(times), ", ".join(ratios),
                          memory, chars))  # fmt: skip
    return table


def _cpu(step: dict[str, Any]) -> str:
    parsers = step.get("parsers_cpu")
    return f"{step['cpu']} s" + (f" + parsers {parsers} s" if parsers is not None else "")


def _rss(peak: dict[str, float]) -> str:
    return f"{peak['self']} MB"


def _tree(tree: dict[str, float]) -> str:
    """A process tree's memory: RSS summed, PSS (shared pages counted once), the bot's own."""
    if int(tree["processes"]) == 1:
        return f"{tree['rss']} MB (PSS {tree['pss']} MB)"
    return (
        f"{tree['rss']} MB in {int(tree['processes'])} processes "
        f"(PSS {tree['pss']} MB; the bot's own RSS {tree['root_rss']} MB)"
    )


def _helpers(workers: list[float], trackers: list[float]) -> str:
    """What else was running: parser workers and multiprocessing's resource tracker."""
    named = [f"a parser process {rss} MB" for rss in workers]
    named += [f"multiprocessing's resource tracker {rss} MB" for rss in trackers]
    return f": {', '.join(named)}" if named else ""


def _per_send(step: dict[str, Any]) -> str:
    return f"{step['cpu']} s ({step['cpu'] / max(step['sent'], 1) * 1000:.1f} ms a send)"


def process_rows() -> list[tuple[str, str, str, str, str]]:
    """(scenario, run, wall, CPU, peak RSS): whole-process figures, ours and the baselines'.
    CPU is the measured process's, plus its parser processes' where it has them (B1)."""
    table: list[tuple[str, str, str, str, str]] = []
    if b1 := load("b1_poll"):
        ours, naive, bare = b1["ours"], b1["naive"], b1["bare_httpx"]
        table += [
            ("B1 poll", "ours, cold cycle", f"{ours['cold']['wall']} s", _cpu(ours["cold"]),
             _tree(ours["tree_peak_mb"])),
            ("B1 poll", "naive loop, cold cycle", f"{naive['cold']['wall']} s",
             _cpu(naive["cold"]), _tree(naive["tree_peak_mb"])),
            ("B1 poll", "bare httpx, downloading every feed", f"{bare['download']['wall']} s",
             _cpu(bare["download"]), ""),
            ("B1 poll", "ours, unchanged cycle", f"{ours['unchanged']['wall']} s",
             _cpu(ours["unchanged"]), ""),
            ("B1 poll", "bare httpx, asking again with ETags", f"{bare['unchanged']['wall']} s",
             _cpu(bare["unchanged"]), ""),
            ("B1 poll", "ours, 10% changed cycle", f"{ours['changed']['wall']} s",
             _cpu(ours["changed"]), ""),
        ]  # fmt: skip
    if b2 := load("b2_broadcast"):
        ours, naive = b2["ours"], b2["naive"]
        table += [
            ("B2 broadcast", f"ours, {ours['sent']:,} sends", f"{ours['wall']} s",
             _per_send(ours), _rss(b2["peak_rss_mb"])),
            ("B2 broadcast", f"for-loop + AIORateLimiter, {naive['sent']:,} sends",
             f"{naive['wall']} s", _per_send(naive), "(same process)"),
        ]  # fmt: skip
    if b3 := load("b3_latency"):
        table.append(
            ("B3 /latest", "ours, the cold cycle while replying", f"{b3['cold_cycle_seconds']} s",
             "", _rss(b3["peak_rss_mb"]))
        )  # fmt: skip
    if b4 := load("b4_digest"):
        first, fan_out = b4["first_tick"], b4["baseline_instant_fan_out"]
        table += [
            ("B4 digest", "ours, the tick enqueuing 10,000 digests", f"{first['wall']} s",
             f"{first['cpu']} s", _rss(b4["peak_rss_mb"])),
            ("B4 digest", "instant fan-out of the same stories", f"{fan_out['wall']} s", "",
             "(same process)"),
        ]  # fmt: skip
    if b5 := load("b5_footprint"):
        bare_ptb = b5["baseline_bare_ptb"]
        table += [
            ("B5 footprint", "`rights-digest run`, idle after a cycle", "", "",
             f"{b5['idle_tree_mb']['rss']} MB now, "
             f"{b5['peak_tree_during_cycle_mb']['rss']} MB at most during its first cycle "
             f"(with its helper processes; the bot's own {b5['idle_rss_main_mb']} and "
             f"{b5['peak_rss_main_during_cycle_mb']} MB)"),
            ("B5 footprint", "bare PTB bot, idle", "", "", f"{bare_ptb['idle_rss_mb']} MB now"),
        ]  # fmt: skip
    if b6 := load("b6_burst"):
        ours, direct = b6["ours"], b6["direct"]
        table += [
            ("B6 burst", f"ours, {ours['sent']} replies", f"{ours['last_reply_s']} s",
             f"{ours['cpu']} s", _rss(b6["peak_rss_mb"])),
            ("B6 burst", f"direct send_message, {direct['sent']} replies",
             f"{direct['last_reply_s']} s", f"{direct['cpu']} s", "(same process)"),
        ]  # fmt: skip
    return table


def write_doc(run: dict[str, Any]) -> None:
    durations: dict[str, float] = run["durations"]
    info = machine()
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench.run_all`); every scenario measures its "
        "baseline in the same run. Raw numbers: `bench/out/*.json`.",
        "",
        f"- Run: {run['date']} UTC at commit {run['commit']}",
        f"- Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; "
        f"Python {info['python']}; load average at the end {run['load']}",
        "- Scenario wall times: "
        + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in durations.items())
        + f"; {sum(durations.values()) / 60:.1f} minutes in all",
        "",
        "| Scenario | Measure | Ours | Baseline (same run) | Target | Met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows()]
    lines += [
        "",
        "Whole-process figures of each measured run, ours and the baselines' (CPU: the "
        "measured process, plus its parser processes where it has them; B1's are medians "
        "over its rounds, and its peak memory the largest):",
        "",
        "| Scenario | Run | Wall | CPU | Peak RSS |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in process_rows()]
    if hostile := b8_hostile_rows():
        lines += [
            "",
            "B8, hostile HTML: CPU of one read (`read_item`: text and both links) at 1 / 2 / 4 "
            "MB, each in a process of its own; the time ratio of each doubling; peak RSS of the "
            "process at the largest size read (growth while reading); characters of text read "
            "there. A run over the cap was stopped and the larger sizes not tried.",
            "",
            "| Case | Reader | CPU 1 / 2 / 4 MB | Ratios | Peak RSS | Text |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        lines += ["| " + " | ".join(row) + " |" for row in hostile]
    DOC.parent.mkdir(exist_ok=True)
    notes = DOC.with_name("benchmarks-notes.md")
    if notes.exists():
        lines += ["", notes.read_text().strip()]
    DOC.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def main() -> None:
    """``run_all [SCENARIO…]`` runs and tabulates; ``run_all --table`` only redraws the page."""
    saved = OUT / "run.json"
    run_info: dict[str, Any] = (
        json.loads(saved.read_text()) if saved.exists() else {"durations": {}}
    )
    if sys.argv[1:] != ["--table"]:
        for name in sys.argv[1:] or SCENARIOS:
            run_info["durations"][name] = run(name)
        run_info |= {
            "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M}",
            "commit": commit(),
            "load": machine()["load"],
        }
        OUT.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(run_info))
    write_doc(run_info)


if __name__ == "__main__":
    main()


def _b9_rows() -> list[tuple[str, str, str, str, str, str]]:
    b9 = load("b9_split")
    if not b9:
        return []
    runs = b9["runs"]
    split, one = runs["split, idle"]["replies"], runs["one process, idle"]["replies"]
    broadcast = runs["split, broadcast"]
    return [
        ("B9 split", "updates and send apart: 100 /start, last answered after",
         f"{split['last_reply_s']} s", f"one process {one['last_reply_s']} s", "",
         f"{runs['split, idle']['last_reply_vs_one_process']}× one process"),
        ("B9 split", "the same during a 1,000-chat broadcast: last reply / pushes/s / 429s",
         f"{broadcast['replies']['last_reply_s']} s / "
         f"{broadcast['pushes']['messages_per_second']}/s / {broadcast['pushes']['http_429']}",
         "", "", ""),
    ]  # fmt: skip
