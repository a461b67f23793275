"""Core mutations: sign-in, partner tokens, registration, rollout and measure settings."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlalchemy import select as sa_select
from sqlmodel import select

from core.accounts import Account, PartnerClient, PartnerOrg, Role, check_secret, hash_secret
from core.accounts import Person as PersonRow
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import CITIES
from core.divisions import city as lookup_city
from core.errors import Code, RuleError
from core.graphql.types import UserError
from core.identity import parse_identity
from core.permissions import requires
from core.rollout import MeasureSetting, RolloutRule
from core.validation import optional_text, require_secret, require_text

# scrypt of a fixed string, compared when the login is unknown so timing does not reveal accounts
_DUMMY_HASH = hash_secret("not-a-real-password")


@strawberry.type(description="The result of signing in: a short-lived bearer token.")
class SignInPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    token: str | None = None
    expires_at: dt.datetime | None = None
    token_type: str | None = None


@strawberry.type
class RolloutSetPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    measure: str | None = None
    city: str | None = None
    enabled: bool | None = None


@strawberry.type
class MeasureSettingPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    key: str | None = None


@strawberry.type
class RegisterPayload:
    errors: list[UserError] = strawberry.field(default_factory=list)
    account_id: strawberry.ID | None = None


@strawberry.input(description="Switch a measure on or off for one city of your province.")
class RolloutSetInput:
    measure: str
    city: str
    enabled: bool
    valid_from: dt.date | None = strawberry.field(default=None, description="Default: today.")
    valid_until: dt.date | None = None
    note: str | None = None


def issue_user_token(ctx: Context, account: Account) -> tuple[str, dt.datetime]:
    claims: dict[str, object] = {"roles": list(account.roles), "knd": account.kind}
    if account.person_id:
        claims["pid"] = account.person_id
        if account.kind == "CITIZEN":
            home = _domicile_province(ctx, account.person_id)
            if home:
                claims["hpv"] = home  # the citizen's audit log
    if account.kind == "STAFF":
        claims.update(
            {"prv": account.province_code, "cty": account.city_code, "ofc": account.office_id}
        )
    return ctx.platform.tokens.issue(
        account.id, "user", ctx.platform.settings.access_token_minutes, **claims
    )


def _domicile_province(ctx: Context, person_id: str) -> str | None:
    table = PersonRow.__table__  # type: ignore[attr-defined]
    with ctx.platform.engine.connect() as conn:
        city_code = conn.execute(
            sa_select(table.c.domicile_city).where(table.c.id == person_id)
        ).scalar()
    found = CITIES.get(city_code or "")
    return found.province_code if found else None


def issue_partner_token(
    ctx: Context, client: PartnerClient, org: PartnerOrg
) -> tuple[str, dt.datetime]:
    from core.accounts import PartnerKind

    role = PartnerKind(org.kind).role.value
    return ctx.platform.tokens.issue(
        client.client_id,
        "partner",
        ctx.platform.settings.partner_token_minutes,
        roles=[role],
        org=org.id,
        pk=org.kind,
        scp=list(org.scopes),
        prv=org.province_code,
    )


@strawberry.type
class CoreMutation:
    @strawberry.mutation(
        extensions=[requires("core.sign_in")],
        description="Sign in with login and password. Public; rate-limited per login.",
    )
    def sign_in(self, info: strawberry.Info, login: str, password: str) -> SignInPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> SignInPayload:
            require_text("login", login, 64)
            require_secret("password", password, 128)
            ctx.platform.limiter.hit("sign_in", login, capacity=5, per_seconds=60, field="login")
            account = scope.session.exec(select(Account).where(Account.login == login)).first()
            if account is None or account.status != "ACTIVE":
                check_secret(password, _DUMMY_HASH)
                raise RuleError(
                    Code.BAD_CREDENTIALS, "Login or password is wrong.", field="password"
                )
            if not check_secret(password, account.password_hash):
                raise RuleError(
                    Code.BAD_CREDENTIALS, "Login or password is wrong.", field="password"
                )
            scope.subject(account.person_id, f"Account:{account.id}")
            token, expires = issue_user_token(ctx, account)
            return SignInPayload(token=token, expires_at=expires, token_type="Bearer")

        return ctx.mutate("core.sign_in", SignInPayload, work)

    @strawberry.mutation(
        extensions=[requires("core.sign_in")],
        description="Exchange a partner's client credentials for a partner token. Public; rate-limited per client.",
    )
    def partner_token_create(
        self, info: strawberry.Info, client_id: str, client_secret: str
    ) -> SignInPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> SignInPayload:
            require_text("clientId", client_id, 40)
            require_secret("clientSecret", client_secret, 128)
            ctx.platform.limiter.hit(
                "partner_token", client_id, capacity=10, per_seconds=60, field="clientId"
            )
            client = scope.session.get(PartnerClient, client_id)
            org = scope.session.get(PartnerOrg, client.org_id) if client else None
            if client is None or org is None or client.status != "ACTIVE":
                check_secret(client_secret, _DUMMY_HASH)
                raise RuleError(
                    Code.BAD_CREDENTIALS, "Unknown client or wrong secret.", field="clientSecret"
                )
            if not check_secret(client_secret, client.secret_hash):
                raise RuleError(
                    Code.BAD_CREDENTIALS, "Unknown client or wrong secret.", field="clientSecret"
                )
            if org.status != "ACTIVE":
                raise RuleError(Code.FORBIDDEN, "This partner is suspended.", field="clientId")
            scope.subject(None, f"PartnerOrg:{org.id}")
            token, expires = issue_partner_token(ctx, client, org)
            return SignInPayload(token=token, expires_at=expires, token_type="Bearer")

        return ctx.mutate("core.partner_token_create", SignInPayload, work)

    @strawberry.mutation(
        extensions=[requires("core.register")],
        description="Open a personal account (个人账号) with an identity document. Public; rate-limited.",
    )
    def citizen_register(
        self,
        info: strawberry.Info,
        id_type: str,
        id_number: str,
        name: str,
        phone: str,
        password: str,
    ) -> RegisterPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> RegisterPayload:
            ident = parse_identity(id_type, id_number)
            require_text("name", name, 64)
            require_text("phone", phone, 20)
            if not phone.isdigit() or len(phone) != 11:
                raise RuleError(Code.INVALID_INPUT, "Phone numbers have 11 digits.", field="phone")
            if len(password) < 8 or len(password) > 128:
                raise RuleError(
                    Code.INVALID_INPUT, "Passwords have 8 to 128 characters.", field="password"
                )
            ctx.platform.limiter.hit("register", phone, capacity=3, per_seconds=3600, field="phone")
            session = scope.session
            person = session.exec(
                select(PersonRow).where(
                    PersonRow.id_type == ident.doc_type.value, PersonRow.id_number == ident.number
                )
            ).first()
            if person is None:
                person = PersonRow(
                    id_type=ident.doc_type.value,
                    id_number=ident.number,
                    name=name,
                    birth_date=ident.birth_date,
                    phone=phone,
                    created_at=stamp(ctx.now()),
                )
                session.add(person)
                session.flush()
            elif person.name != name:
                raise RuleError(
                    Code.INVALID_INPUT, "Name and ID number do not match.", field="name"
                )
            if session.exec(
                select(Account).where(Account.person_id == person.id, Account.kind == "CITIZEN")
            ).first():
                raise RuleError(
                    Code.ALREADY_EXISTS, "This person already has an account.", field="idNumber"
                )
            if session.exec(select(Account).where(Account.login == phone)).first():
                raise RuleError(
                    Code.ALREADY_EXISTS, "This phone number is already a login.", field="phone"
                )
            account = Account(
                kind="CITIZEN",
                login=phone,
                password_hash=hash_secret(password),
                person_id=person.id,
                roles=[Role.CITIZEN.value],
                created_at=stamp(ctx.now()),
            )
            session.add(account)
            session.flush()
            scope.subject(person.id, f"Account:{account.id}")
            return RegisterPayload(account_id=strawberry.ID(account.id))

        return ctx.mutate("core.register", RegisterPayload, work)

    @strawberry.mutation(
        extensions=[requires("core.rollout_write")],
        description="Enable or disable a measure for one city of your province from a date (never deletes data). "
        "Roles: PROVINCE_ADMIN (own province), NATIONAL_ADMIN.",
    )
    def rollout_set(self, info: strawberry.Info, input: RolloutSetInput) -> RolloutSetPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> RolloutSetPayload:
            if input.measure not in ctx.platform.measures:
                raise RuleError(
                    Code.UNKNOWN_MEASURE,
                    f"Unknown measure {input.measure[:40]!r}.",
                    field="measure",
                )
            target = lookup_city(input.city)
            if (
                Role.NATIONAL_ADMIN not in ctx.actor.roles
                and ctx.actor.province_code != target.province_code
            ):
                raise RuleError(
                    Code.OUT_OF_JURISDICTION,
                    "You administer another province.",
                    field="city",
                    rule="core: a province admin configures the cities of their own province",
                    city=target.code,
                )
            start = input.valid_from or ctx.today()
            if input.valid_until is not None and input.valid_until < start:
                raise RuleError(
                    Code.INVALID_DATE, "`validUntil` is before `validFrom`.", field="validUntil"
                )
            note = optional_text("note", input.note, 300, multiline=True)
            session = scope.session
            for old in session.exec(
                select(RolloutRule).where(
                    RolloutRule.measure == input.measure,
                    RolloutRule.city_code == target.code,
                    RolloutRule.source == "ADMIN",
                )
            ).all():
                session.delete(old)
            session.add(
                RolloutRule(
                    measure=input.measure,
                    province_code=target.province_code,
                    city_code=target.code,
                    enabled=input.enabled,
                    valid_from=start,
                    valid_until=input.valid_until,
                    source="ADMIN",
                    phase="ADMIN",
                    note=note,
                    updated_by=ctx.actor.account_id,
                    updated_at=stamp(ctx.now()),
                )
            )
            scope.subject(
                None,
                f"Rollout:{input.measure}:{target.code}",
                enabled=input.enabled,
                valid_from=start.isoformat(),
            )
            return RolloutSetPayload(measure=input.measure, city=target.code, enabled=input.enabled)

        result = ctx.mutate("core.rollout_set", RolloutSetPayload, work)
        ctx.platform.rollout.reload()
        return result

    @strawberry.mutation(
        extensions=[requires("core.rollout_write")],
        description="Set a measure's configuration value for a province or city of yours (or '*' nationwide, "
        "national admins). Value is JSON of the setting's declared type, unit and bounds "
        "(`measureSettings` lists them); anything else is refused with INVALID_INPUT on `value` and "
        "nothing is stored. Roles: PROVINCE_ADMIN (own province), NATIONAL_ADMIN.",
    )
    def measure_setting_set(
        self,
        info: strawberry.Info,
        measure: str,
        scope_code: str,
        key: str,
        value: strawberry.scalars.JSON,
    ) -> MeasureSettingPayload:
        ctx: Context = info.context

        def work(scope: WriteScope) -> MeasureSettingPayload:
            from core import settings_store as store

            if measure not in ctx.platform.measures:
                raise RuleError(Code.UNKNOWN_MEASURE, "Unknown measure.", field="measure")
            spec = ctx.platform.settings_store.spec(measure, key)
            level = store.scope_level(scope_code)
            if level is None:
                raise RuleError(Code.UNKNOWN_CITY, "Unknown province or city.", field="scopeCode")
            from core.divisions import CITIES

            prov = (
                CITIES[scope_code].province_code if level == store.SettingScope.CITY else scope_code
            )
            if Role.NATIONAL_ADMIN not in ctx.actor.roles and ctx.actor.province_code != prov:
                raise RuleError(
                    Code.OUT_OF_JURISDICTION, "You administer another province.", field="scopeCode"
                )
            if not store.allowed_at(spec, scope_code):
                where = (
                    "nationwide only"
                    if spec.scope == store.SettingScope.NATIONAL
                    else "per province"
                )
                raise RuleError(
                    Code.INVALID_INPUT,
                    f"The setting {key} is set {where} ({spec.scope} setting).",
                    field="scopeCode",
                    rule="core: setting declaration",
                )
            import orjson

            if len(orjson.dumps(value)) > 4000:
                raise RuleError(Code.TOO_LONG, "Value too large.", field="value")
            try:
                store.check_value(spec, value)
            except store.SettingValueError as exc:
                raise RuleError(
                    Code.INVALID_INPUT, str(exc), field="value", rule="core: setting declaration"
                ) from None
            session = scope.session
            for old in session.exec(
                select(MeasureSetting).where(
                    MeasureSetting.measure == measure,
                    MeasureSetting.scope_code == scope_code,
                    MeasureSetting.key == key,
                )
            ).all():
                session.delete(old)
            session.add(
                MeasureSetting(
                    measure=measure,
                    scope_code=scope_code,
                    key=key,
                    value={"value": value},
                    updated_by=ctx.actor.account_id,
                    updated_at=stamp(ctx.now()),
                )
            )
            scope.subject(None, f"Setting:{measure}:{scope_code}:{key}")
            return MeasureSettingPayload(key=key)

        result = ctx.mutate("core.measure_setting_set", MeasureSettingPayload, work)
        ctx.platform.settings_store.reload()
        return result
