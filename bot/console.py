"""What the command line prints: poll tables, feed errors, would-be messages. Pure text."""

from collections.abc import Sequence
from datetime import datetime

from news.models import FeedReport, FeedStatus, StoredStory, author_names

OK_STATUSES = (FeedStatus.OK, FeedStatus.NOT_MODIFIED)


def format_poll_table(reports: Sequence[FeedReport]) -> str:
    """A table of one poll cycle: each feed's status, new stories and any error."""
    if not reports:
        return "No feed was due.\n"
    rows = [("Feed", "Status", "New", "Note")]
    for report in sorted(reports, key=lambda r: r.name.casefold()):
        note = report.message or ""
        rows.append(
            (_clip(report.name, 40), report.status.value, str(len(report.new_stories)), note)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join(cell.ljust(widths[i]) if i < 3 else cell for i, cell in enumerate(row)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def format_new_stories(reports: Sequence[FeedReport]) -> str:
    """A cycle's new stories by feed, newest first: those matching a topic as subscribers
    would read them, the others (never sent, so not summarised) by title only."""
    blocks = []
    for report in reports:
        if not report.new_stories:
            continue
        stories = sorted(report.new_stories, key=lambda s: s.published, reverse=True)
        matching = [story for story in stories if story.topics]
        blocks.append(f"\n== {report.name}: {len(stories)} new, {len(matching)} matching a topic")
        blocks += [format_story(story) for story in matching]
        blocks += [f"- {story.title}" for story in stories if not story.topics]
    return "\n".join(blocks) + ("\n" if blocks else "")


def format_story(story: StoredStory) -> str:
    """A story as plain text, the way a subscriber would read it."""
    credit = " · ".join(
        part
        for part in (
            story.publisher or story.outlet,
            ", ".join(author_names(story.author)),
            _date(story.published),
        )
        if part
    )
    lines = [f"* {story.title}", f"  {credit}"]
    if story.summary:
        lines.append(f"  {story.summary}")
    if story.context_url:
        lines.append(f"  In context: {story.context_url}")
    link = story.original_url or story.url
    if link:
        lines.append(f"  Original: {link}")
    for hit in story.topics:
        lines.append(f"  Why: {hit.slug} — matched {', '.join(hit.terms)}")
    return "\n".join(lines)


def format_feed_problem(report: FeedReport) -> str:
    """One line for a failing feed, with when it will be tried again."""
    retry = f"; next try {report.next_poll:%Y-%m-%d %H:%M} UTC" if report.next_poll else ""
    return f"! {report.name}: {report.status.value}: {report.message or 'no details'}{retry}"


def _date(value: datetime) -> str:
    return f"{value:%d %b %Y}"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
