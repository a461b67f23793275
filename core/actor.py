"""Who is calling: built from a verified token (or anonymous)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.accounts import STAFF_ROLES, Role


@dataclass(frozen=True)
class Actor:
    """The caller of one request.

    Citizens carry `person_id`; staff carry roles and a jurisdiction (province, city, office);
    partners carry their organisation, kind and scopes.
    """

    kind: str  # ANONYMOUS | CITIZEN | STAFF | PARTNER
    account_id: str | None = None
    person_id: str | None = None
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.ANONYMOUS}))
    province_code: str | None = None
    city_code: str | None = None
    office_id: str | None = None
    partner_org_id: str | None = None
    partner_kind: str | None = None
    scopes: frozenset[str] = frozenset()
    home_province: str | None = None  # a citizen's domicile province (their audit log)

    @property
    def authenticated(self) -> bool:
        return self.kind != "ANONYMOUS"

    @property
    def is_staff(self) -> bool:
        return self.kind == "STAFF"

    @property
    def is_partner(self) -> bool:
        return self.kind == "PARTNER"

    @property
    def primary_role(self) -> str:
        order = sorted(self.roles, key=lambda r: r.value)
        staff = [r for r in order if r in STAFF_ROLES]
        return (staff or order or [Role.ANONYMOUS])[0].value

    @property
    def jurisdiction(self) -> str | None:
        if self.is_staff:
            return (
                "/".join(x for x in (self.province_code, self.city_code, self.office_id) if x)
                or "NATIONAL"
            )
        if self.is_partner:
            return self.partner_org_id
        return None

    @property
    def log_id(self) -> str:
        """The audit log this caller's events go to (a province, or the national log)."""
        from core.audit.entries import log_for

        return log_for(self.kind, self.province_code, self.home_province)

    @classmethod
    def from_claims(cls, claims: dict[str, Any]) -> Actor:
        roles = frozenset(Role(r) for r in claims.get("roles", []) if r in Role._value2member_map_)
        if claims["typ"] == "partner":
            return cls(
                kind="PARTNER",
                account_id=claims["sub"],
                roles=roles,
                partner_org_id=claims.get("org"),
                partner_kind=claims.get("pk"),
                scopes=frozenset(claims.get("scp", [])),
                province_code=claims.get("prv"),
            )
        kind = "STAFF" if claims.get("knd") == "STAFF" else "CITIZEN"
        return cls(
            kind=kind,
            account_id=claims["sub"],
            person_id=claims.get("pid"),
            roles=roles,
            province_code=claims.get("prv"),
            city_code=claims.get("cty"),
            office_id=claims.get("ofc"),
            home_province=claims.get("hpv") if kind == "CITIZEN" else None,
        )


ANONYMOUS = Actor(kind="ANONYMOUS")
