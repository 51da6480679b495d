"""The seed page (../shared/seed, read at test time, never copied) turned into HTML."""

from html import escape
from pathlib import Path

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "seed" / "bhrrc-item-page.txt"
SKIP_REASON = f"seed page not found at {SEED} (only in the full workspace and CI)"


def seed_page_html(seed: str) -> str:
    """The seed text as HTML: a paragraph per line, the notice's link and the last line as
    links, the way the page showed them."""
    paragraphs, previous = [], ""
    for line in (line.strip() for line in seed.splitlines()):
        if not line:
            continue
        if previous.startswith("You are being redirected"):
            paragraphs.append(f'<p><a href="/{escape(line)}">{escape(line)}</a></p>')
        elif line == "Read the full post here":
            original = "https://www.phnompenhpost.com/national-politics/sar-kheng-govt-tell-eu"
            paragraphs.append(f'<p><a href="{original}?utm_source=bhrrc">{line}</a></p>')
        else:
            paragraphs.append(f"<p>{escape(line)}</p>")
        previous = line
    return "\n".join(paragraphs)
