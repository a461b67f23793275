"""unit owner: a unit (单位) applies for a motorcycle business and owns the motorcycle

Revision ID: motorcycle_one_id_0002
Revises: motorcycle_one_id_0001
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "motorcycle_one_id_0002"
down_revision = "motorcycle_one_id_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no batch rebuild of the table): the rows stay as they are
    if op.get_bind().dialect.name == "sqlite":  # SQLite adds a reference only inline
        op.execute(
            "ALTER TABLE motorcycle_one_id_cases ADD COLUMN unit_id VARCHAR(16) REFERENCES units (id)"
        )
    else:
        op.add_column(
            "motorcycle_one_id_cases",
            sa.Column(
                "unit_id",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                sa.ForeignKey("units.id", name="fk_motorcycle_one_id_cases_unit_id"),
                nullable=True,
            ),
        )
    op.create_index(
        "ix_motorcycle_one_id_cases_unit_id", "motorcycle_one_id_cases", ["unit_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_motorcycle_one_id_cases_unit_id", "motorcycle_one_id_cases")
    with op.batch_alter_table("motorcycle_one_id_cases", schema=None) as batch_op:
        batch_op.drop_column("unit_id")
