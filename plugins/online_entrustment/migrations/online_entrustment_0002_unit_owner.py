"""unit owner

Revision ID: online_entrustment_0002
Revises: online_entrustment_0001
Create Date: 2026-11-30 11:17:10.264360
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "online_entrustment_0002"
down_revision = "online_entrustment_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch rebuild of the table): the rows stay as they are
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a reference only inline
        op.execute(
            "ALTER TABLE online_entrustment_grants "
            "ADD COLUMN owner_unit_id VARCHAR(16) REFERENCES units (id)"
        )
    else:
        op.add_column(
            "online_entrustment_grants",
            sa.Column(
                "owner_unit_id",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                sa.ForeignKey("units.id", name="fk_online_entrustment_grants_owner_unit_id"),
                nullable=True,
            ),
        )
    op.create_index(
        "ix_online_entrustment_grants_owner_unit_id",
        "online_entrustment_grants",
        ["owner_unit_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_online_entrustment_grants_owner_unit_id", "online_entrustment_grants")
    with op.batch_alter_table("online_entrustment_grants", schema=None) as batch_op:
        batch_op.drop_column("owner_unit_id")
