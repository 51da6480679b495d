"""Retention: when an entry was last in its feed, and when its feed was last read.

An entry may be pruned only once its feed has long stopped carrying it; otherwise the item
would come back as new. Existing entries were last seen when first seen, as far as we know.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("entries", schema=None) as batch_op:
        # No index: only the hourly purge reads it, feed by feed, through (feed_id, key);
        # every insert of a cold poll cycle would pay for one.
        batch_op.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_parsed_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE entries SET last_seen_at = first_seen_at")


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("last_parsed_at")
    with op.batch_alter_table("entries", schema=None) as batch_op:
        batch_op.drop_column("last_seen_at")
