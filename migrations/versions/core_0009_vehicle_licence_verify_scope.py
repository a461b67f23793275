"""grant vehicle_licence:verify to the partners that verify licences

M13's eVehicleLicenceVerify checked no partner scope until it needed `vehicle_licence:verify`
(the scope M01's `licence:verify` has for driving e-licences). So that a registered partner that
verified e-vehicle licences is not cut off by the upgrade, every partner registration holding
`licence:verify` gets the new scope too; other partners ask for it through partnerRegister.

Revision ID: core_0009
Revises: core_0005
Create Date: 2026-11-30 17:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "core_0009"
down_revision = "core_0005"
branch_labels = None
depends_on = None

OLD, NEW = "licence:verify", "vehicle_licence:verify"
_ORGS = sa.table("partner_orgs", sa.column("id", sa.String), sa.column("scopes", sa.JSON))


def upgrade() -> None:
    conn = op.get_bind()
    for org_id, scopes in conn.execute(sa.select(_ORGS.c.id, _ORGS.c.scopes)).all():
        if OLD in (scopes or []) and NEW not in scopes:
            conn.execute(_ORGS.update().where(_ORGS.c.id == org_id).values(scopes=[*scopes, NEW]))


def downgrade() -> None:
    conn = op.get_bind()
    for org_id, scopes in conn.execute(sa.select(_ORGS.c.id, _ORGS.c.scopes)).all():
        if NEW in (scopes or []):
            kept = [s for s in scopes if s != NEW]
            conn.execute(_ORGS.update().where(_ORGS.c.id == org_id).values(scopes=kept))
