"""grant vehicle_licence:verify to the partners that could verify e-vehicle licences

M13's eVehicleLicenceVerify checked no partner scope until it needed `vehicle_licence:verify`
(the scope M01's `licence:verify` has for driving e-licences). Its permission rule lets insurers'
and banks' clients call it (roles PARTNER_INSURER and PARTNER_BANK), so every insurer and bank
registration gets the new scope: none of them is cut off by the upgrade, and no other kind of
partner is given a scope its role cannot use.

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

NEW = "vehicle_licence:verify"
KINDS = ("INSURER", "BANK")  # the kinds whose role may call eVehicleLicenceVerify
_ORGS = sa.table(
    "partner_orgs",
    sa.column("id", sa.String),
    sa.column("kind", sa.String),
    sa.column("scopes", sa.JSON),
)


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_ORGS.c.id, _ORGS.c.scopes).where(_ORGS.c.kind.in_(KINDS)))
    for org_id, scopes in rows.all():
        if NEW not in (scopes or []):
            kept = [*(scopes or []), NEW]
            conn.execute(_ORGS.update().where(_ORGS.c.id == org_id).values(scopes=kept))


def downgrade() -> None:
    conn = op.get_bind()
    for org_id, scopes in conn.execute(sa.select(_ORGS.c.id, _ORGS.c.scopes)).all():
        if NEW in (scopes or []):
            kept = [s for s in scopes if s != NEW]
            conn.execute(_ORGS.update().where(_ORGS.c.id == org_id).values(scopes=kept))
