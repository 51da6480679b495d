"""Precision and recall of the configured topics on hand-labelled stories.

Run from the project root (``make eval``)::

    python -m tests.topics.eval [CONFIG] [LABELLED]

Prints a per-topic table and every miss with its text for the stories we wrote, the same for
the labelled real corpus items (``tests.topics.corpus``; skipped with a message when the
shared corpus is absent), and how many matches rest on one mention past the lead in a group
that does not ask for that (``where = "anywhere"``). Exits 1 when a topic falls below
``THRESHOLD`` on the stories we wrote, or any match is that weak, so a term change that costs
accuracy is caught. The corpus set is reported, not gating: it has few positives.
"""

import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from news.config import load_config
from news.topics.config import TermGroup, TopicConfig
from news.topics.keys import term_key
from news.topics.khmer import has_khmer
from news.topics.match import compile_topics, match_topics
from news.topics.story import LEAD_CHARS
from tests.topics.corpus import CorpusItem, corpus_missing, read_corpus_items

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

    example: "Example | CorpusItem"
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


def evaluate_corpus(config_path: Path = CONFIG) -> tuple[dict[str, Scores], list[CorpusItem]]:
    """The same scores on the labelled corpus items, as a poll matches them."""
    config = load_config(config_path, environ={})
    topics = compile_topics(config.topics)
    slugs = [topic.slug for topic in topics]
    items = read_corpus_items(topics, slugs)
    found = {item.id: item.matched for item in items}
    return {slug: _score(slug, items, found) for slug in slugs}, items


def weak_matches(
    topics: Sequence[TopicConfig], stories: Iterable[tuple[str, str, Iterable[str]]]
) -> tuple[int, int]:
    """(matches resting on one mention past the lead, all matches) over ``stories`` (title,
    text, matched slugs): a group other than ``where = "anywhere"`` whose terms occur once,
    past the lead. Found by regular expressions written from the rules, not by the matcher."""
    by_slug = {topic.slug: topic for topic in topics}
    weak = total = 0
    for title, text, slugs in stories:
        for slug in slugs:
            total += 1
            groups = list(by_slug[slug].positive_groups())
            weak += any(_rests_on_one_late_mention(group, title, text) for _, group in groups)
    return weak, total


def _rests_on_one_late_mention(group: TermGroup, title: str, text: str) -> bool:
    if group.where == "anywhere":
        return False
    cut = next((m.start() for m in re.finditer(r"\s", text[LEAD_CHARS:])), None)
    cut = len(text) if len(text) <= LEAD_CHARS or cut is None else LEAD_CHARS + cut
    raw, key = f"{title}\n{text}", f"{term_key(title)}\n{term_key(text)}"
    lead_raw, lead_key = len(title) + 1 + cut, len(term_key(title)) + 1 + len(term_key(text[:cut]))
    found = [(True, at) for term in group.acronyms for at in _acronym_starts(term, raw)]
    found += [(False, at) for term in group.terms for at in _term_starts(term, key)]
    if len(set(found)) != 1:
        return False
    on_raw, at = found[0]
    return at >= (lead_raw if on_raw else lead_key)


_LATIN = "[^\\W\u1780-\u17ff\u19e0-\u19ff]"


def _acronym_starts(acronym: str, raw: str) -> list[int]:
    pattern = f"(?<![A-Za-z0-9]){re.escape(acronym)}s?(?![A-Za-z0-9])"
    return [m.start() for m in re.finditer(pattern, raw)]


def _term_starts(term: str, key: str) -> list[int]:
    needle = term_key(term)
    if has_khmer(term):
        return [m.start() for m in re.finditer(f"(?={re.escape(needle)})", key)]
    before = f"(?<!{_LATIN})" if re.match(_LATIN, needle) else ""
    after = f"(?!{_LATIN})" if re.match(_LATIN, needle[-1]) else ""
    return [m.start() for m in re.finditer(before + re.escape(needle) + after, key)]


def _score(
    slug: str,
    examples: "Sequence[Example] | Sequence[CorpusItem]",
    found: dict[str, dict[str, tuple[str, ...]]],
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


def format_report(scores: dict[str, Scores], what: str = "labelled examples") -> str:
    """The table and the misses, as printed by ``main``."""
    width = max(len(slug) for slug in scores)
    first = next(iter(scores.values()))
    examples = first.tp + first.fp + first.fn + first.tn
    lines = [
        f"{examples} {what}; bar: precision and recall >= {THRESHOLD:.2f}",
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
            if isinstance(miss.example, Example):
                lines.append(f"    {miss.example.title}")
                lines.append(f"    {miss.example.text}")
            else:  # a corpus item: its place and our note, never the publisher's text
                lines.append(f"    {miss.example.path}: {miss.example.note}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the evaluation; 0 when every topic clears the bar on the stories we wrote and
    no match rests on one mention past the lead, else 1."""
    args = list(sys.argv[1:] if argv is None else argv)
    config_path = Path(args[0]) if args else CONFIG
    labelled_path = Path(args[1]) if len(args) > 1 else LABELLED
    scores = evaluate(config_path, labelled_path)
    print(format_report(scores))
    topics = load_config(config_path, environ={}).topics
    examples = load_examples(labelled_path, [topic.slug for topic in topics])
    compiled = compile_topics(topics)
    stories = [
        (e.title, e.text, [m.slug for m in match_topics(compiled, title=e.title, text=e.text)])
        for e in examples
    ]
    missing = corpus_missing()
    if missing is None:
        corpus_scores, items = evaluate_corpus(config_path)
        feeds = len({item.path for item in items})
        print(f"\nCorpus set, from {feeds} feeds (reported, not gating: few positives)")
        print(format_report(corpus_scores, "labelled corpus items"))
        stories += [(item.title, item.text, list(item.matched)) for item in items]
    else:
        print(f"\n{missing}")
    weak, total = weak_matches(topics, stories)
    print(
        f"\nMatches resting on one mention past the lead in a group that does not ask for it "
        f"(where = 'anywhere'): {weak} of {total}"
    )
    return 0 if weak == 0 and all(score.is_good_enough() for score in scores.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
