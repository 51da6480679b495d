"""A lease row names the process holding it: its host, pid and start, so that a process
restarted on the same host takes the lease of its killed predecessor at once.

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leaders") as batch:
        batch.add_column(
            sa.Column("host", sa.String(length=255), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("started", sa.String(length=100), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("leaders") as batch:
        batch.drop_column("started")
        batch.drop_column("pid")
        batch.drop_column("host")
