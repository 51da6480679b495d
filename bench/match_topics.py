"""Topic matching alone: the shipped topics over every corpus item's clean text, and over
the labelled stories, in CPU microseconds a story (best of several passes).

    python -m bench.match_topics [--matcher PATH]

``--matcher`` loads another ``match.py`` (say, main's, from ``git show``) in place of ours, to
compare two versions on the same topics and stories; it must offer ``compile_topics`` and
``match_topics``. Items are read and cleaned once, as a poll cleans an item a topic may want.
"""

import argparse
import importlib.util
import sys
import time
import tomllib
from collections.abc import Callable
from types import ModuleType
from typing import Any

from bench.common import CORPUS, REPO
from news.config import load_config
from news.feeds.parse import parse_feed
from news.models import ParseError
from news.text.extract import clean, read_item, repeated_lines, take_credit
from news.topics import match

PASSES = 15
LONG = 2000  # characters: past the lead, where counting mentions costs something


def corpus_stories() -> list[tuple[str, str]]:
    """(title, clean text) of every item the corpus's readable feeds hold."""
    stories = []
    for path in sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.suffix != ".md"):
        try:
            raw = parse_feed(path.read_bytes(), {}, f"https://feeds.example/{path.name}")
        except ParseError:
            continue
        reads = [
            read_item(e.html, base_url=e.link or "https://feeds.example/") for e in raw.entries
        ]
        repeated = repeated_lines([r.text for r in reads])
        for entry, read in zip(raw.entries, reads, strict=True):
            stories.append((entry.title, clean(take_credit(read), repeated).text))
    return stories


def labelled_stories() -> list[tuple[str, str]]:
    data = tomllib.loads((REPO / "tests" / "data" / "topics_labelled.toml").read_text("utf-8"))
    return [(item["title"], item["text"]) for item in data["examples"]]


def best_per_story(matcher: ModuleType, stories: list[tuple[str, str]]) -> float:
    """Microseconds a story, the best of ``PASSES`` passes over ``stories``."""
    topics = matcher.compile_topics(load_config(REPO / "config.example.toml", environ={}).topics)
    run: Callable[..., Any] = matcher.match_topics
    best = float("inf")
    for _ in range(PASSES):
        start = time.process_time()
        for title, text in stories:
            run(topics, title=title, text=text)
        best = min(best, time.process_time() - start)
    return best / max(len(stories), 1) * 1e6


def load_matcher(path: str | None) -> ModuleType:
    if path is None:
        return match
    spec = importlib.util.spec_from_file_location("other_match", path)
    if spec is None or spec.loader is None:
        sys.exit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--matcher", help="another match.py to measure instead of ours")
    matcher = load_matcher(parser.parse_args().matcher)
    sets = {"labelled": labelled_stories()}
    if CORPUS.is_dir():
        corpus = corpus_stories()
        sets["corpus, all items"] = corpus
        sets[f"corpus, items over {LONG} characters"] = [s for s in corpus if len(s[1]) > LONG]
    for name, stories in sets.items():
        print(f"{name:<36} {len(stories):>5} stories  {best_per_story(matcher, stories):7.2f} µs")


if __name__ == "__main__":
    main()
