"""intersection_nonmotor: staffing and enforcement records carry flags (what the city's own
policy would not expect; 六-三 records real events, never refuses them)

Revision ID: intersection_nonmotor_0002
Revises: intersection_nonmotor_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "intersection_nonmotor_0002"
down_revision = "intersection_nonmotor_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("intersection_nonmotor_enforcement", "intersection_nonmotor_staffing"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("flags", sa.JSON(), nullable=True))
        op.execute(f"UPDATE {table} SET flags = '[]'")  # records before flags: none raised
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("flags", existing_type=sa.JSON(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("intersection_nonmotor_staffing", schema=None) as batch_op:
        batch_op.drop_column("flags")

    with op.batch_alter_table("intersection_nonmotor_enforcement", schema=None) as batch_op:
        batch_op.drop_column("flags")
