"""Is the account behind a valid token still allowed to act? Checked on every request.

A token's signature and times are checked once and cached (core/auth/tokens.py), but whether its
account is still active is read from the database on every authenticated request: disabling an
account, suspending a partner firm or revoking one of its client credentials takes effect on the
next request, in every worker, with no revocation list to distribute. The read is one primary-key
look-up with a prebuilt Core statement, sent straight to the driver (core/direct_select.py: about
6 µs on SQLite instead of about 35 µs through SQLAlchemy; one round trip on PostgreSQL).

Unit membership is not part of a token: unit operations check the caller's active membership per
request (plugins/unit_accounts/access.py), so removing a member also takes effect at once.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection

from core.accounts import Account, PartnerClient, PartnerOrg
from core.actor import Actor
from core.direct_select import DirectSelect
from core.errors import NotAuthenticated

ACTIVE = "ACTIVE"

_ACCOUNT_STATUS = DirectSelect(
    select(Account.__table__.c.status).where(Account.__table__.c.id == bindparam("sub"))
)
_PARTNER_STATUS = DirectSelect(
    select(PartnerClient.__table__.c.status, PartnerOrg.__table__.c.status)
    .select_from(
        PartnerClient.__table__.join(
            PartnerOrg.__table__, PartnerClient.__table__.c.org_id == PartnerOrg.__table__.c.id
        )
    )
    .where(PartnerClient.__table__.c.client_id == bindparam("sub"))
)


def require_active(conn: Connection, actor: Actor) -> None:
    """Refuse (UNAUTHENTICATED, answered 401) when the caller's account, partner client or partner
    firm is no longer ACTIVE. Anonymous callers pass: they have nothing to revoke. Runs on the
    request's own connection (one per request)."""
    if not actor.authenticated:
        return
    if actor.is_partner:
        row = _PARTNER_STATUS.first(conn, sub=actor.account_id)
        if row is None or row[0] != ACTIVE:
            raise NotAuthenticated("This client credential has been revoked.")
        if row[1] != ACTIVE:
            raise NotAuthenticated("This partner is suspended.")
        return
    row = _ACCOUNT_STATUS.first(conn, sub=actor.account_id)
    if row is None or row.status != ACTIVE:
        raise NotAuthenticated("This account is disabled.")
