"""Partner onboarding by an administrator (docs/partners.md section 1).

- `partnerRegister(input)`: register a partner organisation (name, kind, unified social credit
  code, scopes, allowed claims, province or nationwide). A national administrator registers any
  partner, nationwide ones (no province) included; a province administrator registers partners of
  their own province only.
- `partnerClientIssue(partnerId)`: issue a machine credential (client id and secret) to a
  partner; the secret is answered once and stored only as its scrypt hash.
- `partnerClientSecretRotate(clientId)`: a new secret for a client (the old one stops working at
  once; access tokens already issued with it live until they expire,
  `PARTNER_TOKEN_MINUTES`; disable the client to cut them off at once).
- `partnerClientDisable(clientId, reason)`: the client's tokens stop working on the next request.
- `partners`: the partner organisations an administrator manages, with their clients (never a
  secret).

Jurisdiction: national administrators any partner; province administrators the partners
registered in their province. Every mutation is audited (never with the secret).
Errors: INVALID_INPUT, TOO_LONG, INVALID_CREDIT_CODE, UNKNOWN_CITY (province), ALREADY_EXISTS
(a partner with that credit code), NOT_FOUND, OUT_OF_JURISDICTION, CONFLICT (a disabled client).
"""

from __future__ import annotations

import enum
import re
import secrets

import strawberry
from sqlmodel import Session, select

from core.accounts import PartnerClient, PartnerKind, PartnerOrg, Role, hash_secret
from core.api.admin import PartnerStatus
from core.context import Context, WriteScope
from core.divisions import province as known_province
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.identity import parse_credit_code
from core.ids import lookup_id, new_code
from core.validation import require_text

RULE = "core: partner onboarding (docs/partners.md section 1)"
# the scopes a partner registration may hold, and what each lets its clients do
PARTNER_SCOPES: dict[str, str] = {
    "licence:verify": "verify driving e-licences (M01)",
    "vehicle_licence:verify": "verify e-vehicle licences (M13)",
    "mortgage:file": "file and release vehicle mortgages online (M10)",
    "courier:service": "courier home-service jobs (M16)",
    "deregistration:verify": "verify deregistration certificates (M15)",
    "scrap:report": "report scrapped vehicles (M15)",
    "data:feed": "feed insurance, military and exit-entry data",
    "documents:register": "register the firm's own trusted documents (partners.md section 7)",
}
MAX_CLAIMS = 20
_CLAIM = re.compile(r"[a-z][a-z0-9_]{0,39}")

PartnerKindName = strawberry.enum(
    enum.StrEnum("PartnerKindName", {k.name: k.value for k in PartnerKind}),  # type: ignore[misc]
    description="What a partner organisation is (it decides the role its clients act in).",
)


@strawberry.input(description="A partner organisation to register.")
class PartnerRegisterInput:
    name: str
    kind: PartnerKindName  # type: ignore[valid-type]
    credit_code: str = strawberry.field(description="Unified social credit code (GB 32100).")
    scopes: list[str] = strawberry.field(
        description="Among: " + ", ".join(sorted(PARTNER_SCOPES)) + "."
    )
    allowed_claims: list[str] = strawberry.field(
        default_factory=list,
        description="Claims and predicates it may see when verifying (e.g. status, classes).",
    )
    province: str | None = strawberry.field(
        default=None,
        description="Province code (e.g. 320000); null: nationwide (national administrators only).",
    )


@strawberry.enum(description="Whether a partner client's credentials are accepted.")
class PartnerClientStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


@strawberry.type(description="A partner client as an administrator sees it (never its secret).")
class PartnerClientInfo:
    client_id: str
    status: PartnerClientStatus


@strawberry.type(description="A partner organisation as an administrator sees it.")
class PartnerInfo:
    id: strawberry.ID
    name: str
    kind: PartnerKindName  # type: ignore[valid-type]
    credit_code: str | None
    scopes: list[str]
    allowed_claims: list[str]
    province: str | None
    status: PartnerStatus
    clients: list[PartnerClientInfo]


@strawberry.type
class PartnerRegisterPayload(Payload):
    partner_id: strawberry.ID | None = None


@strawberry.type
class PartnerClientPayload(Payload):
    client_id: str | None = None
    client_secret: str | None = strawberry.field(
        default=None, description="Shown this once; only its scrypt hash is kept."
    )
    status: PartnerClientStatus | None = None


def _national(ctx: Context) -> bool:
    return Role.NATIONAL_ADMIN in ctx.actor.roles


def _guard(ctx: Context, org: PartnerOrg, field: str) -> None:
    if not _national(ctx) and org.province_code != ctx.actor.province_code:
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            "A province administrator manages the partners registered in their province; "
            "nationwide partners are managed by the national administrator.",
            field=field,
            rule=RULE,
        )


def _client(ctx: Context, session: Session, client_id: str) -> tuple[PartnerClient, PartnerOrg]:
    text = client_id if isinstance(client_id, str) else ""
    known = len(text) <= 40 and all("!" <= ch <= "~" for ch in text)
    client = session.get(PartnerClient, text) if known and text else None
    org = session.get(PartnerOrg, client.org_id) if client is not None else None
    if client is None or org is None:
        raise NotFound("Partner client", "clientId")
    _guard(ctx, org, "clientId")
    return client, org


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _info(org: PartnerOrg, clients: list[PartnerClient]) -> PartnerInfo:
    return PartnerInfo(
        id=strawberry.ID(org.id),
        name=org.name,
        kind=PartnerKindName(org.kind),
        credit_code=org.credit_code,
        scopes=list(org.scopes),
        allowed_claims=list(org.allowed_claims),
        province=org.province_code,
        status=PartnerStatus(org.status),
        clients=[
            PartnerClientInfo(client_id=c.client_id, status=PartnerClientStatus(c.status))
            for c in clients
        ],
    )


@strawberry.type
class PartnerOnboardingQuery:
    @operation_field(
        "core.partner_manage",
        "The partner organisations you manage, with their clients (never a secret).",
        qualifier="national admins: every partner; province admins: their province's",
    )
    def partners(self, info: strawberry.Info) -> list[PartnerInfo]:
        ctx: Context = info.context
        query = select(PartnerOrg).order_by(PartnerOrg.name, PartnerOrg.id)
        if not _national(ctx):
            query = query.where(PartnerOrg.province_code == ctx.actor.province_code)
        orgs = ctx.session.exec(query).all()
        clients: dict[str, list[PartnerClient]] = {}
        if orgs:
            rows = ctx.session.exec(
                select(PartnerClient)
                .where(PartnerClient.org_id.in_([o.id for o in orgs]))  # type: ignore[union-attr]
                .order_by(PartnerClient.client_id)
            ).all()
            for row in rows:
                clients.setdefault(row.org_id, []).append(row)
        return [_info(o, clients.get(o.id, [])) for o in orgs]


@strawberry.type
class PartnerOnboardingMutation:
    @mutation(
        "core.partner_manage",
        "Register a partner organisation (no client yet: issue one with partnerClientIssue). "
        "Audited.",
        qualifier="national admins: any partner, nationwide ones included; province admins: "
        "partners of their own province",
    )
    def partner_register(
        self, info: strawberry.Info, input: PartnerRegisterInput, scope: WriteScope
    ) -> PartnerRegisterPayload:
        ctx: Context = info.context
        name = require_text("name", input.name, 100)
        credit_code = parse_credit_code(input.credit_code, "creditCode")
        scopes = sorted(set(input.scopes))
        if not scopes:
            raise RuleError(Code.INVALID_INPUT, "Give at least one scope.", field="scopes")
        unknown = [s for s in scopes if s not in PARTNER_SCOPES]
        if unknown:
            raise RuleError(
                Code.INVALID_INPUT,
                f"Unknown scope {unknown[0][:40]!r}; the scopes are: "
                + ", ".join(sorted(PARTNER_SCOPES))
                + ".",
                field="scopes",
            )
        claims = sorted(set(input.allowed_claims))
        if len(claims) > MAX_CLAIMS or not all(
            isinstance(c, str) and _CLAIM.fullmatch(c) for c in claims
        ):
            raise RuleError(
                Code.INVALID_INPUT,
                f"Allowed claims are at most {MAX_CLAIMS} names in lower case "
                "(letters, digits, _).",
                field="allowedClaims",
            )
        if input.province is None:
            if not _national(ctx):
                raise RuleError(
                    Code.OUT_OF_JURISDICTION,
                    "Only the national administrator registers a nationwide partner; give your "
                    "province.",
                    field="province",
                    rule=RULE,
                )
            province_code = None
        else:
            province_code = known_province(input.province, "province").code
            if not _national(ctx) and province_code != ctx.actor.province_code:
                raise RuleError(
                    Code.OUT_OF_JURISDICTION,
                    "A province administrator registers partners of their own province.",
                    field="province",
                    rule=RULE,
                )
        taken = scope.session.exec(
            select(PartnerOrg.id).where(PartnerOrg.credit_code == credit_code)
        ).first()
        if taken is not None:
            raise RuleError(
                Code.ALREADY_EXISTS,
                "A partner with this credit code is already registered.",
                field="creditCode",
                rule=RULE,
            )
        org = PartnerOrg(
            name=name,
            kind=PartnerKind(input.kind.value).value,
            credit_code=credit_code,
            scopes=scopes,
            allowed_claims=claims,
            province_code=province_code,
            created_at=ctx.now(),
        )
        scope.session.add(org)
        scope.session.flush()
        scope.subject(
            None, f"PartnerOrg:{org.id}", kind=org.kind, scopes=scopes, province=province_code
        )
        return PartnerRegisterPayload(partner_id=strawberry.ID(org.id))

    @mutation(
        "core.partner_manage",
        "Issue a client (client id and secret) to a partner; the secret is shown once. Audited.",
        qualifier="national admins: any partner; province admins: their province's partners",
    )
    def partner_client_issue(
        self, info: strawberry.Info, partner_id: strawberry.ID, scope: WriteScope
    ) -> PartnerClientPayload:
        ctx: Context = info.context
        org = scope.session.get(PartnerOrg, lookup_id(partner_id))
        if org is None:
            raise NotFound("Partner", "partnerId")
        _guard(ctx, org, "partnerId")
        secret = _new_secret()
        client = PartnerClient(
            client_id=f"{org.kind.lower().replace('_', '')}-{new_code(10).lower()}",
            org_id=org.id,
            secret_hash=hash_secret(secret),
            created_at=ctx.now(),
        )
        scope.session.add(client)
        scope.subject(None, f"PartnerOrg:{org.id}", client_id=client.client_id)
        return PartnerClientPayload(
            client_id=client.client_id,
            client_secret=secret,
            status=PartnerClientStatus(client.status),
        )

    @mutation(
        "core.partner_manage",
        "Give a partner client a new secret (shown once); the old secret stops working at once, "
        "tokens already issued live until they expire. Audited.",
        qualifier="national admins: any partner; province admins: their province's partners",
    )
    def partner_client_secret_rotate(
        self, info: strawberry.Info, client_id: str, scope: WriteScope
    ) -> PartnerClientPayload:
        ctx: Context = info.context
        client, org = _client(ctx, scope.session, client_id)
        if client.status != "ACTIVE":
            raise RuleError(
                Code.CONFLICT,
                "This client is disabled; issue a new client instead.",
                field="clientId",
                rule=RULE,
            )
        secret = _new_secret()
        client.secret_hash = hash_secret(secret)
        scope.session.add(client)
        scope.subject(None, f"PartnerOrg:{org.id}", client_id=client.client_id)
        return PartnerClientPayload(
            client_id=client.client_id,
            client_secret=secret,
            status=PartnerClientStatus(client.status),
        )

    @mutation(
        "core.partner_manage",
        "Disable a partner client: its tokens stop working on the next request and it gets no "
        "new ones. Audited.",
        qualifier="national admins: any partner; province admins: their province's partners",
    )
    def partner_client_disable(
        self, info: strawberry.Info, client_id: str, reason: str, scope: WriteScope
    ) -> PartnerClientPayload:
        ctx: Context = info.context
        reason = require_text("reason", reason, 300)
        client, org = _client(ctx, scope.session, client_id)
        client.status = "DISABLED"
        scope.session.add(client)
        scope.subject(None, f"PartnerOrg:{org.id}", client_id=client.client_id, reason=reason)
        return PartnerClientPayload(
            client_id=client.client_id, status=PartnerClientStatus(client.status)
        )
