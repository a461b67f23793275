"""truck_pass: the blacklist takes effect (四-三): a listing's status, the firm it concerns, the codes
it revoked or shortened, the firm's appeal and its decision, who lifted it

Revision ID: truck_pass_0003
Revises: truck_pass_0002
"""

from __future__ import annotations

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "truck_pass_0003"
down_revision = "truck_pass_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("truck_pass_blacklist", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=True)
        )
        batch_op.add_column(
            sa.Column("firm_unit_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("firm_person_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(sa.Column("codes_revoked", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("codes_shortened", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("appeal_reason", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True)
        )
        batch_op.add_column(sa.Column("appealed_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("appealed_by", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.add_column(
            sa.Column("appeal_note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True)
        )
        batch_op.add_column(sa.Column("appeal_decided_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("lifted_by", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_truck_pass_blacklist_status"), ["status"], unique=False
        )

    # listings made before this revision: lifted or listed; the firm is the unit, else the
    # listed vehicle's owning unit or person; they took no codes (the effect did not exist)
    op.execute(
        "UPDATE truck_pass_blacklist SET codes_revoked = 0, codes_shortened = 0, status = "
        "CASE WHEN lifted_on IS NULL THEN 'LISTED' ELSE 'LIFTED' END"
    )
    op.execute("UPDATE truck_pass_blacklist SET firm_unit_id = unit_id WHERE unit_id IS NOT NULL")
    op.execute(
        "UPDATE truck_pass_blacklist SET "
        "firm_unit_id = (SELECT v.owner_unit_id FROM vehicles v WHERE v.id = vehicle_id), "
        "firm_person_id = (SELECT CASE WHEN v.owner_unit_id IS NULL THEN v.owner_person_id END "
        "FROM vehicles v WHERE v.id = vehicle_id) WHERE vehicle_id IS NOT NULL"
    )
    with op.batch_alter_table("truck_pass_blacklist", schema=None) as batch_op:
        for column in ("status", "codes_revoked", "codes_shortened"):
            batch_op.alter_column(column, nullable=False)

    with op.batch_alter_table("truck_pass_codes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "blacklist_entry_id", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True
            )
        )
        batch_op.add_column(sa.Column("original_valid_until", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("revoked_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("revoke_reason", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=True)
        )
        batch_op.create_index(
            batch_op.f("ix_truck_pass_codes_blacklist_entry_id"),
            ["blacklist_entry_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("truck_pass_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_truck_pass_codes_blacklist_entry_id"))
        batch_op.drop_column("revoke_reason")
        batch_op.drop_column("revoked_on")
        batch_op.drop_column("original_valid_until")
        batch_op.drop_column("blacklist_entry_id")

    with op.batch_alter_table("truck_pass_blacklist", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_truck_pass_blacklist_status"))
        batch_op.drop_column("lifted_by")
        batch_op.drop_column("appeal_decided_on")
        batch_op.drop_column("appeal_note")
        batch_op.drop_column("appealed_by")
        batch_op.drop_column("appealed_on")
        batch_op.drop_column("appeal_reason")
        batch_op.drop_column("codes_shortened")
        batch_op.drop_column("codes_revoked")
        batch_op.drop_column("firm_person_id")
        batch_op.drop_column("firm_unit_id")
        batch_op.drop_column("status")
