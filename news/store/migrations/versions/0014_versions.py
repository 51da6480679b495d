"""Each entry keeps its own version of the story, so the version shown is chosen from all.

``entries`` gains the member's summary, text, credit (author, publisher and where the
publisher lives), original link and date; ``stories`` gains where its publisher lives and
whether its date is the relaying feed's. A story's existing entry from the feed that brought
it first takes the story's current version; its other entries, stored before versions were
kept, have none and never lead.

Revision ID: 0014
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COPIED = ("text", "summary", "author", "publisher", "original_url")


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("summary", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("author", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("publisher", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("publisher_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("original_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("date_is_relayed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("publisher_url", sa.String(length=2048), nullable=True))
        batch_op.add_column(
            sa.Column("date_is_relayed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    story = "FROM stories s WHERE s.id = entries.story_id"
    copied = [f"{column} = (SELECT s.{column} {story})" for column in _COPIED]
    # An estimated date was the day it was first seen, not one the feed gave.
    date = "CASE WHEN s.date_is_estimated THEN NULL ELSE s.published_at END"
    copied.append(f"published_at = (SELECT {date} {story})")
    op.execute(
        f"UPDATE entries SET {', '.join(copied)} "  # noqa: S608 (our own column names)
        f"WHERE EXISTS (SELECT 1 {story} AND s.feed_id = entries.feed_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("date_is_relayed")
        batch_op.drop_column("publisher_url")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        for column in ("date_is_relayed", "published_at", *reversed(_COPIED), "publisher_url"):
            batch_op.drop_column(column)
