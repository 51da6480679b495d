"""Old news is stored, never pushed: when a story became news, and which matches to announce.

``stories.news_at`` is the feed's own date for the item (first seen where it gives none):
alerts and digests take only recent stories by it. ``story_topics.announce`` is false for a
feed's first read, its archive: an admin adding feeds to a running bot alerts nobody. Existing
stories became news when first seen; existing matches were announced, or were due to be.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("story_topics", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("announce", sa.Boolean(), server_default=sa.true(), nullable=False)
        )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("news_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE stories SET news_at = first_seen_at")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.alter_column("news_at", existing_type=sa.DateTime(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_column("news_at")
    with op.batch_alter_table("story_topics", schema=None) as batch_op:
        batch_op.drop_column("announce")
