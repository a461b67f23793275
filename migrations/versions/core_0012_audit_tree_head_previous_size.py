"""each signed tree head records the size of the head it extended

The sequencer signs a head after each batch, extending the newest head. Recording that head's
size (`previous_size`, 0 for a log's first head) lets `audit-verify` see a head deleted from the
middle of a log: a head whose previous size is no longer among the log's heads. Heads signed
before this revision keep a null `previous_size` and are not checked (PostgreSQL refuses UPDATE on
the log tables, so they are not filled in). Not signed, like `last_txn` and `last_seq`.

Revision ID: core_0012
Revises: core_0011
Create Date: 2026-12-01 22:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0012"
down_revision = "core_0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_tree_heads", sa.Column("previous_size", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_tree_heads") as batch:
        batch.drop_column("previous_size")
