"""Story context: per-feed flag, stories awaiting their context link, the link cache.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "context_links",
        sa.Column("item_url", sa.String(length=2048), nullable=False),
        sa.Column("context_url", sa.String(length=2048), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("item_url", name=op.f("pk_context_links")),
    )
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("story_context", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("needs_context", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_stories_needs_context"), ["needs_context"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stories_needs_context"))
        batch_op.drop_column("needs_context")

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("story_context")

    op.drop_table("context_links")
