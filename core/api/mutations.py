"""Core mutations: sign-in, partner tokens, registration, rollout and measure settings.

Sign-in, partner tokens and registration are credential operations (core/graphql/credentials.py):
one per HTTP request, their scrypt work in a worker thread, limited per client address as well as
per login / client id / ID number. Registration answers the same whatever is on file
(core/registration.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import strawberry
from sqlalchemy import select as sa_select
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from core import registration
from core.accounts import Account, PartnerClient, PartnerOrg, Role, check_secret, hash_secret
from core.accounts import Person as PersonRow
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import CITIES
from core.divisions import city as lookup_city
from core.errors import Code, RuleError
from core.graphql.credentials import CREDENTIAL_OPERATION
from core.graphql.operations import Payload, mutation
from core.graphql.types import UserError
from core.identifiers import parse_mobile
from core.identity import IdentityNumber, parse_identity
from core.permissions import requires
from core.rollout import MeasureSetting, RolloutRule
from core.text import ForeignCharacter, fold_identifier
from core.validation import optional_text, require_person_name, require_secret, require_text

if TYPE_CHECKING:
    from core.platform import Platform

# scrypt of a fixed string, compared when the login is unknown so timing does not reveal accounts
_DUMMY_HASH = hash_secret("not-a-real-password")


@strawberry.type(description="The result of signing in: a short-lived bearer token.")
class SignInPayload(Payload):
    token: str | None = None
    expires_at: dt.datetime | None = None
    token_type: str | None = None


@strawberry.type
class RolloutSetPayload(Payload):
    measure: str | None = None
    city: str | None = None
    enabled: bool | None = None


@strawberry.type
class MeasureSettingPayload(Payload):
    key: str | None = None


@strawberry.type(
    description="The answer to citizenRegister: the same for every well-formed request."
)
class RegisterPayload(Payload):
    accepted: bool | None = strawberry.field(
        default=None, description="True once the request is recorded (not that it can succeed)."
    )
    message: str | None = None


@strawberry.type(description="The answer to citizenRegisterConfirm.")
class RegisterConfirmPayload(Payload):
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


# Per-client-address limits (client address: core/http.py, TRUSTED_PROXIES) sit beside the
# per-login / per-client-id / per-ID-number ones, so neither many logins from one address (a
# password spray) nor many addresses against one login get through.
SIGN_IN_PER_LOGIN = (5, 60)  # attempts, seconds
SIGN_IN_PER_CLIENT = (30, 60)
PARTNER_TOKEN_PER_CLIENT_ID = (10, 60)
PARTNER_TOKEN_PER_CLIENT = (30, 60)
REGISTER_PER_CLIENT = (10, 3600)
REGISTER_PER_ID_NUMBER = (3, 3600)
REGISTER_PER_PHONE = (3, 3600)  # each request may send an SMS to the phone


def _check_login(platform: Platform, client: str, login: str, password: str) -> Account:
    """The active account for `login` and `password` (blocking: scrypt; run in a thread).
    Raises RuleError INVALID_INPUT / TOO_LONG, RATE_LIMITED or BAD_CREDENTIALS."""
    require_text("login", login, 64)
    require_secret("password", password, 128)
    platform.limiter.hit("sign_in.client", client, *SIGN_IN_PER_CLIENT, field="login")
    platform.limiter.hit("sign_in", login, *SIGN_IN_PER_LOGIN, field="login")
    with Session(platform.engine, expire_on_commit=False) as session:
        account = session.exec(select(Account).where(Account.login == login)).first()
    if account is None or account.status != "ACTIVE":
        check_secret(password, _DUMMY_HASH)  # same cost whether or not the login exists
        raise RuleError(Code.BAD_CREDENTIALS, "Login or password is wrong.", field="password")
    if not check_secret(password, account.password_hash):
        raise RuleError(Code.BAD_CREDENTIALS, "Login or password is wrong.", field="password")
    return account


def _check_partner(
    platform: Platform, client: str, client_id: str, client_secret: str
) -> tuple[PartnerClient, PartnerOrg]:
    """The active partner client and its org (blocking: scrypt; run in a thread). Raises
    RuleError INVALID_INPUT / TOO_LONG, RATE_LIMITED, BAD_CREDENTIALS or FORBIDDEN."""
    require_text("clientId", client_id, 40)
    require_secret("clientSecret", client_secret, 128)
    limiter = platform.limiter
    limiter.hit("partner_token.client", client, *PARTNER_TOKEN_PER_CLIENT, field="clientId")
    limiter.hit("partner_token", client_id, *PARTNER_TOKEN_PER_CLIENT_ID, field="clientId")
    with Session(platform.engine, expire_on_commit=False) as session:
        found = session.get(PartnerClient, client_id)
        org = session.get(PartnerOrg, found.org_id) if found else None
    if found is None or org is None or found.status != "ACTIVE":
        check_secret(client_secret, _DUMMY_HASH)
        raise RuleError(
            Code.BAD_CREDENTIALS, "Unknown client or wrong secret.", field="clientSecret"
        )
    if not check_secret(client_secret, found.secret_hash):
        raise RuleError(
            Code.BAD_CREDENTIALS, "Unknown client or wrong secret.", field="clientSecret"
        )
    if org.status != "ACTIVE":
        raise RuleError(Code.FORBIDDEN, "This partner is suspended.", field="clientId")
    return found, org


def _check_registration(
    platform: Platform,
    client: str,
    id_type: str,
    id_number: str,
    name: str,
    phone: str,
    password: str,
) -> tuple[IdentityNumber, str, str, str]:
    """Validate a registration, count it against its limits and hash the password (blocking:
    scrypt; run in a thread). Returns (identity, name, phone, password hash), name and phone in
    their stored forms (core/validation.py, core/identifiers.py); raises RuleError for malformed
    input or RATE_LIMITED: answers that depend on the input alone, never on what is on file."""
    ident = parse_identity(id_type, id_number, today=platform.clock.today())
    name = require_person_name("name", name)
    phone = parse_mobile(phone)
    require_secret("password", password, 128)
    if len(password) < 8 or len(password) > 128:
        raise RuleError(Code.INVALID_INPUT, "Passwords have 8 to 128 characters.", field="password")
    limiter = platform.limiter
    limiter.hit("register.client", client, *REGISTER_PER_CLIENT, field="idNumber")
    limiter.hit(
        "register.id",
        f"{ident.doc_type.value}:{ident.number}",
        *REGISTER_PER_ID_NUMBER,
        field="idNumber",
    )
    limiter.hit("register", phone, *REGISTER_PER_PHONE, field="phone")
    return ident, name, phone, hash_secret(password)


# the credential operations open the frame themselves (ctx.mutate) after the scrypt check that
# runs in a worker thread; each names its action once, here
SIGN_IN = "core.sign_in"
PARTNER_TOKEN_CREATE = "core.partner_token_create"
REGISTER = "core.register"


@strawberry.type
class CoreMutation:
    @strawberry.mutation(  # not the frame: scrypt runs in a thread before the transaction
        extensions=[requires(SIGN_IN, "rate-limited per login and per client address")],
        metadata=CREDENTIAL_OPERATION,
        description="Sign in with login and password; at most one credential operation per "
        "request.",
    )
    async def sign_in(self, info: strawberry.Info, login: str, password: str) -> SignInPayload:
        ctx: Context = info.context
        try:  # the password check (scrypt) runs in a worker thread, never on the event loop
            account: Account | None = await run_in_threadpool(
                _check_login, ctx.platform, ctx.client_address, login, password
            )
            failure = None
        except RuleError as error:
            account, failure = None, error

        def work(scope: WriteScope) -> SignInPayload:
            if failure is not None or account is None:
                raise failure or RuleError(Code.BAD_CREDENTIALS, "Login or password is wrong.")
            scope.subject(account.person_id, f"Account:{account.id}")
            token, expires = issue_user_token(ctx, account)
            return SignInPayload(token=token, expires_at=expires, token_type="Bearer")

        return ctx.mutate(SIGN_IN, SignInPayload, work)

    @strawberry.mutation(  # not the frame: scrypt runs in a thread before the transaction
        extensions=[
            requires(PARTNER_TOKEN_CREATE, "rate-limited per client id and per client address")
        ],
        metadata=CREDENTIAL_OPERATION,
        description="Exchange a partner's client credentials for a partner token; at most one "
        "credential operation per request.",
    )
    async def partner_token_create(
        self, info: strawberry.Info, client_id: str, client_secret: str
    ) -> SignInPayload:
        ctx: Context = info.context
        try:  # the secret check (scrypt) runs in a worker thread, never on the event loop
            found: tuple[PartnerClient, PartnerOrg] | None = await run_in_threadpool(
                _check_partner, ctx.platform, ctx.client_address, client_id, client_secret
            )
            failure = None
        except RuleError as error:
            found, failure = None, error

        def work(scope: WriteScope) -> SignInPayload:
            if failure is not None or found is None:
                raise failure or RuleError(Code.BAD_CREDENTIALS, "Unknown client or wrong secret.")
            client, org = found
            scope.subject(None, f"PartnerOrg:{org.id}")
            token, expires = issue_partner_token(ctx, client, org)
            return SignInPayload(token=token, expires_at=expires, token_type="Bearer")

        return ctx.mutate(PARTNER_TOKEN_CREATE, SignInPayload, work)

    @strawberry.mutation(  # not the frame: scrypt runs in a thread before the transaction
        extensions=[requires(REGISTER, "rate-limited per client address, ID number and phone")],
        metadata=CREDENTIAL_OPERATION,
        description="Step 1 of opening a personal account (个人账号) with an identity document. "
        "Every well-formed request gets the same answer (`accepted`): a code goes to the phone by "
        "SMS if the details can open an account; otherwise whoever the details belong to is told "
        "out of band. Confirm with citizenRegisterConfirm.",
    )
    async def citizen_register(
        self,
        info: strawberry.Info,
        id_type: str,
        id_number: str,
        name: str,
        phone: str,
        password: str,
    ) -> RegisterPayload:
        ctx: Context = info.context
        try:  # password hashing (scrypt) in a worker thread, for every request alike
            checked: tuple[IdentityNumber, str, str, str] | None = await run_in_threadpool(
                _check_registration,
                ctx.platform,
                ctx.client_address,
                id_type,
                id_number,
                name,
                phone,
                password,
            )
            failure = None
        except RuleError as error:
            checked, failure = None, error

        def work(scope: WriteScope) -> RegisterPayload:
            if failure is not None or checked is None:
                raise failure or RuleError(Code.INVALID_INPUT, "Registration refused.")
            ident, stored_name, stored_phone, password_hash = checked
            registration.start(scope, ident, stored_name, stored_phone, password_hash)
            return RegisterPayload(accepted=True, message=registration.NEUTRAL_MESSAGE)

        return ctx.mutate(REGISTER, RegisterPayload, work)

    @mutation(
        "core.register_confirm",
        "Step 2 of opening a personal account: the 6-digit code sent by SMS to the phone given in "
        "citizenRegister; the account (login: the phone) exists from now on. Any wrong, expired "
        "or unknown code gets BAD_CREDENTIALS; 5 wrong codes use the request up.",
        qualifier="rate-limited per client address and per phone",
        metadata=CREDENTIAL_OPERATION,
    )
    def citizen_register_confirm(
        self, info: strawberry.Info, phone: str, code: str, scope: WriteScope
    ) -> RegisterConfirmPayload:
        ctx: Context = info.context
        stored_phone = parse_mobile(phone)
        try:  # typed on a phone: full-width digits and spaces are the same code
            code = fold_identifier(code, max_len=32)
        except ForeignCharacter:
            code = ""
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise RuleError(Code.INVALID_INPUT, "Codes have 6 digits.", field="code")
        limiter = ctx.platform.limiter
        limiter.hit("register_confirm.client", ctx.client_address, 30, 600, field="code")
        limiter.hit("register_confirm.phone", stored_phone, 10, 600, field="code")
        outcome = registration.confirm(scope, stored_phone, code)
        if isinstance(outcome, RuleError):  # counted and kept, not rolled back
            return RegisterConfirmPayload(errors=[UserError.of(outcome)])
        return RegisterConfirmPayload(account_id=strawberry.ID(outcome.id))

    @mutation(
        "core.rollout_set",
        "Enable or disable a measure for one city of your province from a date (never deletes "
        "data).",
        qualifier="province admins: their own province",
    )
    def rollout_set(
        self, info: strawberry.Info, input: RolloutSetInput, scope: WriteScope
    ) -> RolloutSetPayload:
        ctx: Context = info.context
        scope.after_commit.append(ctx.platform.rollout.reload)
        ctx.platform.measure(input.measure)
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
        if start < ctx.today():
            raise RuleError(
                Code.INVALID_DATE,
                "A rollout change takes effect from today or a later day; what was in force "
                "on earlier days stays as it was (reports and decisions rest on it).",
                field="validFrom",
                rule="core: no rollout rule for a day already past",
                measure=input.measure,
            )
        note = optional_text("note", input.note, 300, multiline=True)
        session = scope.session
        # the city's earlier admin rules: those starting on or after `start` are replaced; one
        # that started before ends the day before, so what was in force earlier stays on record
        for old in session.exec(
            select(RolloutRule).where(
                RolloutRule.measure == input.measure,
                RolloutRule.city_code == target.code,
                RolloutRule.source == "ADMIN",
            )
        ).all():
            if old.valid_from >= start:
                session.delete(old)
            elif old.valid_until is None or old.valid_until >= start:
                old.valid_until = start - dt.timedelta(days=1)
                session.add(old)
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

    @mutation(
        "core.measure_setting_set",
        "Set a measure's configuration value for a province or city of yours (or '*' "
        "nationwide, national admins). Value is JSON of the setting's declared type, unit and "
        "bounds (`measureSettings` lists them); anything else is refused with INVALID_INPUT on "
        "`value` and nothing is stored.",
        qualifier="province admins: their own province",
    )
    def measure_setting_set(
        self,
        info: strawberry.Info,
        measure: str,
        scope_code: str,
        key: str,
        value: strawberry.scalars.JSON,
        scope: WriteScope,
    ) -> MeasureSettingPayload:
        ctx: Context = info.context
        scope.after_commit.append(ctx.platform.settings_store.reload)
        from core import settings_store as store

        ctx.platform.measure(measure)
        spec = ctx.platform.settings_store.spec(measure, key)
        level = store.scope_level(scope_code)
        if level is None:
            raise RuleError(Code.UNKNOWN_CITY, "Unknown province or city.", field="scopeCode")
        from core.divisions import CITIES

        prov = CITIES[scope_code].province_code if level == store.SettingScope.CITY else scope_code
        if Role.NATIONAL_ADMIN not in ctx.actor.roles and ctx.actor.province_code != prov:
            raise RuleError(
                Code.OUT_OF_JURISDICTION, "You administer another province.", field="scopeCode"
            )
        if not store.allowed_at(spec, scope_code):
            where = (
                "nationwide only" if spec.scope == store.SettingScope.NATIONAL else "per province"
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
