"""one partner organisation per credit code: a unique index on partner_orgs.credit_code

`partnerRegister` checks that a credit code is not yet registered before it inserts; two
concurrent registrations of the same code could both pass that check. With the unique index the
second insert fails, `Context.mutate` runs that request again, and it answers ALREADY_EXISTS.
Rows without a credit code (null) are not constrained. A database that already holds two
partners with the same code is refused with the codes named, for an operator to merge them first.

Revision ID: core_0011
Revises: core_0010
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0011"
down_revision = "core_0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    duplicated = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT credit_code FROM partner_orgs WHERE credit_code IS NOT NULL"
                " GROUP BY credit_code HAVING COUNT(*) > 1 ORDER BY credit_code"
            )
        )
        .scalars()
        .all()
    )
    if duplicated:
        raise RuntimeError(
            "partner_orgs holds more than one partner for the credit code(s) "
            f"{', '.join(duplicated)}: merge them, then migrate again"
        )
    op.create_index("ix_partner_orgs_credit_code", "partner_orgs", ["credit_code"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_partner_orgs_credit_code", table_name="partner_orgs")
