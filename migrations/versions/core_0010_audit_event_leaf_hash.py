"""audit events carry their leaf hash, as their writer computed it

The request path already computes each event's leaf hash, SHA-256(0x00 ‖ entry) (RFC 9162
§2.1.1): a partner's receipt names it. Stored with the event, it lets the sequencer read 32 bytes
per pending event instead of the whole event. Events written before this revision keep a null
`leaf_hash`; the sequencer computes theirs from the event, as before. `audit-verify` recomputes
every entry from the event either way.

Revision ID: core_0010
Revises: core_0009
Create Date: 2026-12-01 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0010"
down_revision = "core_0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("leaf_hash", sa.LargeBinary(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("leaf_hash")
