"""truck_pass: policies carry the days they are in force (四-一: the union of each day's policies)

Revision ID: truck_pass_0002
Revises: truck_pass_0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "truck_pass_0002"
down_revision = "truck_pass_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("truck_pass_policies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sa.Date(), nullable=True))
    # a policy recorded before this revision is in force from the day it was recorded
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE truck_pass_policies SET valid_from = CAST(created_at AS DATE)")
    else:
        op.execute("UPDATE truck_pass_policies SET valid_from = substr(created_at, 1, 10)")
    with op.batch_alter_table("truck_pass_policies", schema=None) as batch_op:
        batch_op.alter_column("valid_from", existing_type=sa.Date(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("truck_pass_policies", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
