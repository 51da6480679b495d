"""Several pollers on one database: a poller claims the due feeds it will fetch.

A claimed feed names its poller and how long the claim lasts; other pollers skip it until
the poll's result is written or the claim runs out (its poller died).

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_owner", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claim_until", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("claim_until")
        batch_op.drop_column("claim_owner")
