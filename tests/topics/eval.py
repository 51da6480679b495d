"""Precision and recall of the configured topics on hand-labelled stories.

Run from the project root (``make eval``)::

    python -m tests.topics.eval [CONFIG] [LABELLED]

Prints a per-topic table and every miss with its text; exits 1 when any topic falls below
``THRESHOLD`` in precision or recall, so a term change that costs accuracy is caught.
"""

import sys
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from news.config import load_config
from news.topics.match import compile_topics, match_topics

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config.example.toml"
LABELLED = ROOT / "tests" / "data" / "topics_labelled.toml"
THRESHOLD = 0.95


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled story: the topics a subscriber would want it in."""

    id: str
    title: str
    text: str
    topics: frozenset[str]


@dataclass(frozen=True, slots=True)
class Miss:
    """A false positive (with the terms that matched) or a false negative."""

    example: Example
    kind: str  # "FP" or "FN"
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts for one topic over the labelled set."""

    tp: int
    fp: int
    fn: int
    tn: int
    misses: tuple[Miss, ...]

    @property
    def precision(self) -> float:
        """Share of matched stories that were labelled with the topic."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of labelled stories that matched."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    def is_good_enough(self, threshold: float = THRESHOLD) -> bool:
        """True when both precision and recall reach ``threshold``."""
        return self.precision >= threshold and self.recall >= threshold


def load_examples(path: Path, known_slugs: Sequence[str]) -> list[Example]:
    """Read the labelled set; a label naming an unknown topic is an error, not a silent FN."""
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    examples = [
        Example(
            id=item["id"],
            title=item["title"],
            text=item["text"],
            topics=frozenset(item["topics"]),
        )
        for item in raw["examples"]
    ]
    ids = [example.id for example in examples]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path}: example ids repeat")
    for example in examples:
        if unknown := example.topics - set(known_slugs):
            raise ValueError(f"{path}: {example.id} is labelled with unknown {sorted(unknown)}")
    return examples


def evaluate(config_path: Path = CONFIG, labelled_path: Path = LABELLED) -> dict[str, Scores]:
    """Match every labelled example against the config's topics; scores per topic slug."""
    config = load_config(config_path, environ={})
    topics = compile_topics(config.topics)
    slugs = [topic.slug for topic in topics]
    examples = load_examples(labelled_path, slugs)
    found = {
        example.id: {
            match.slug: match.terms
            for match in match_topics(topics, title=example.title, text=example.text)
        }
        for example in examples
    }
    return {slug: _score(slug, examples, found) for slug in slugs}


def _score(
    slug: str, examples: Sequence[Example], found: dict[str, dict[str, tuple[str, ...]]]
) -> Scores:
    tp = fp = fn = tn = 0
    misses = []
    for example in examples:
        wanted, matched = slug in example.topics, slug in found[example.id]
        tp += wanted and matched
        tn += not wanted and not matched
        if matched and not wanted:
            fp += 1
            misses.append(Miss(example, "FP", found[example.id][slug]))
        elif wanted and not matched:
            fn += 1
            misses.append(Miss(example, "FN"))
    return Scores(tp=tp, fp=fp, fn=fn, tn=tn, misses=tuple(misses))


def format_report(scores: dict[str, Scores]) -> str:
    """The table and the misses, as printed by ``main``."""
    width = max(len(slug) for slug in scores)
    first = next(iter(scores.values()))
    examples = first.tp + first.fp + first.fn + first.tn
    lines = [
        f"{examples} labelled examples; bar: precision and recall >= {THRESHOLD:.2f}",
        f"{'topic':<{width}}  {'TP':>3} {'FP':>3} {'FN':>3} {'TN':>3}  precision  recall",
    ]
    for slug, score in scores.items():
        flag = "" if score.is_good_enough() else "  BELOW BAR"
        lines.append(
            f"{slug:<{width}}  {score.tp:>3} {score.fp:>3} {score.fn:>3} {score.tn:>3}"
            f"  {score.precision:>9.3f}  {score.recall:>6.3f}{flag}"
        )
    for slug, score in scores.items():
        for miss in score.misses:
            why = f" (matched: {', '.join(miss.terms)})" if miss.terms else ""
            lines.append(f"\n{miss.kind} {slug}: {miss.example.id}{why}")
            lines.append(f"    {miss.example.title}")
            lines.append(f"    {miss.example.text}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation; 0 when every topic clears the bar, else 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    config_path = Path(args[0]) if args else CONFIG
    labelled_path = Path(args[1]) if len(args) > 1 else LABELLED
    scores = evaluate(config_path, labelled_path)
    print(format_report(scores))
    return 0 if all(score.is_good_enough() for score in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
