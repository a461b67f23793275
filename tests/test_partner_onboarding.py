"""Partner onboarding (docs/partners.md section 1): an administrator registers a partner
organisation, issues it a client (the secret shown once, kept as a scrypt hash), rotates the
secret and disables the client; national administrators any partner, province administrators
their province's; every step audited, never with the secret."""

from __future__ import annotations

from sqlmodel import select

from core.accounts import PartnerClient, PartnerOrg
from core.audit.models import AuditEvent
from core.errors import CORE_RULES, Code
from core.identity import make_credit_code

INPUT_RULE = CORE_RULES[Code.INVALID_INPUT]

REGISTER = """mutation($in: PartnerRegisterInput!) { partnerRegister(input: $in) {
  partnerId errors { code field rule } } }"""
ISSUE = """mutation($p: ID!) { partnerClientIssue(partnerId: $p) {
  clientId clientSecret status errors { code field } } }"""
ROTATE = """mutation($c: String!) { partnerClientSecretRotate(clientId: $c) {
  clientId clientSecret errors { code field } } }"""
DISABLE = """mutation($c: String!) { partnerClientDisable(clientId: $c, reason: "contract ended") {
  clientId status errors { code field } } }"""
TOKEN = """mutation($c: String!, $s: String!) { partnerTokenCreate(clientId: $c, clientSecret: $s) {
  token errors { code } } }"""
PARTNERS = "{ partners { id name kind province scopes clients { clientId status } } }"
ME = "{ me { kind } }"


def _input(**over) -> dict:
    base = {
        "name": "大地保险江苏分公司",
        "kind": "INSURER",
        "creditCode": make_credit_code(987_001),
        "scopes": ["licence:verify"],
        "allowedClaims": ["status", "classes"],
        "province": "320000",
    }
    return {**base, **over}


def _register(env, as_, **over) -> dict:
    return env.data(REGISTER, {"in": _input(**over)}, as_=as_)["partnerRegister"]


def _token(env, client_id: str, secret: str) -> dict:
    return env.data(TOKEN, {"c": client_id, "s": secret})["partnerTokenCreate"]


def _me_status(env, token: str) -> int:
    return env.http.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"}
    ).status_code


def test_an_administrator_onboards_a_partner_that_then_signs_in(core_env):
    env = core_env
    out = _register(env, "province_admin")
    assert out["errors"] == [] and out["partnerId"]
    issued = env.data(ISSUE, {"p": out["partnerId"]}, as_="province_admin")["partnerClientIssue"]
    assert issued["errors"] == [] and issued["status"] == "ACTIVE"
    client_id, secret = issued["clientId"], issued["clientSecret"]
    assert len(secret) >= 32
    with env.session() as s:
        org = s.get(PartnerOrg, out["partnerId"])
        assert (org.kind, org.province_code, org.scopes) == (
            "INSURER",
            "320000",
            ["licence:verify"],
        )
        stored = s.get(PartnerClient, client_id)
        assert stored.secret_hash.startswith("scrypt$") and secret not in stored.secret_hash
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "core.partner_manage")).all()
    assert len(events) == 2 and all(secret not in str(e.detail) for e in events)
    first = _token(env, client_id, secret)
    assert first["errors"] == [] and first["token"]
    assert _me_status(env, first["token"]) == 200
    listed = env.data(PARTNERS, as_="province_admin")["partners"]
    mine = next(p for p in listed if p["id"] == out["partnerId"])
    assert mine["clients"] == [{"clientId": client_id, "status": "ACTIVE"}]
    assert all(p["province"] == "320000" for p in listed)

    rotated = env.data(ROTATE, {"c": client_id}, as_="province_admin")["partnerClientSecretRotate"]
    assert rotated["errors"] == [] and rotated["clientSecret"] not in (None, secret)
    assert _token(env, client_id, secret)["errors"][0]["code"] == "BAD_CREDENTIALS"
    second = _token(env, client_id, rotated["clientSecret"])
    assert second["errors"] == []

    disabled = env.data(DISABLE, {"c": client_id}, as_="province_admin")["partnerClientDisable"]
    assert disabled == {"clientId": client_id, "status": "DISABLED", "errors": []}
    assert _me_status(env, second["token"]) == 401  # its tokens stop on the next request
    assert _token(env, client_id, rotated["clientSecret"])["token"] is None
    again = env.data(ROTATE, {"c": client_id}, as_="province_admin")["partnerClientSecretRotate"]
    assert again["errors"][0]["code"] == "CONFLICT"


def test_jurisdiction_and_validation(core_env):
    env = core_env
    # a nationwide partner: the national administrator only
    refused = _register(env, "province_admin", province=None)
    assert refused["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    refused = _register(env, "province_admin", province="440000")
    assert refused["errors"][0] == {
        "code": "OUT_OF_JURISDICTION",
        "field": "province",
        "rule": "core: partner onboarding (docs/partners.md section 1)",
    }
    nationwide = _register(env, "national_admin", province=None)
    assert nationwide["errors"] == []
    # the province administrator cannot issue or manage a nationwide partner's clients
    body = env.data(ISSUE, {"p": nationwide["partnerId"]}, as_="province_admin")
    assert body["partnerClientIssue"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    issued = env.data(ISSUE, {"p": nationwide["partnerId"]}, as_="national_admin")
    client_id = issued["partnerClientIssue"]["clientId"]
    body = env.data(DISABLE, {"c": client_id}, as_="province_admin")["partnerClientDisable"]
    assert body["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.data(ROTATE, {"c": "nobody-123"}, as_="national_admin")
    assert body["partnerClientSecretRotate"]["errors"][0]["code"] == "NOT_FOUND"
    # the same credit code twice, a bad credit code, an unknown scope or claim, an unknown province
    dup = _register(env, "national_admin", province=None)
    assert dup["errors"][0]["code"] == "ALREADY_EXISTS"
    bad = _register(env, "national_admin", creditCode="91320100MA1234567X")
    assert bad["errors"][0]["code"] == "INVALID_CREDIT_CODE"
    bad = _register(env, "national_admin", creditCode=make_credit_code(987_002), scopes=["root"])
    assert bad["errors"][0] == {"code": "INVALID_INPUT", "field": "scopes", "rule": INPUT_RULE}
    bad = _register(
        env, "national_admin", creditCode=make_credit_code(987_003), allowedClaims=["Name;"]
    )
    assert bad["errors"][0]["field"] == "allowedClaims"
    bad = _register(env, "national_admin", creditCode=make_credit_code(987_004), province="999999")
    assert bad["errors"][0]["code"] == "UNKNOWN_CITY"
    with env.session() as s:
        assert (
            len(s.exec(select(PartnerOrg).where(PartnerOrg.name == "大地保险江苏分公司")).all())
            == 1
        )
    # roles without the rule get a top-level FORBIDDEN
    for who in ("clerk", "zhang_account", env.refs["insurer"]):
        body = env.gql(REGISTER, {"in": _input(creditCode=make_credit_code(987_005))}, as_=who)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert env.gql(PARTNERS, as_=who)["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_credit_code_registered_meanwhile_is_already_exists_not_a_second_partner(core_env):
    """Two administrators register one firm at once: another request commits the same credit
    code between this one's check and its insert. The unique index (core_0011) fails the insert,
    Context.mutate runs the request again, and it answers ALREADY_EXISTS: one partner, and the
    refusal audited. (On PostgreSQL, without the index, both partners were inserted; SQLite's
    snapshot already refuses the stale write, and the rerun answers the same.)"""
    from sqlalchemy import event

    env = core_env
    engine = env.platform.engine
    orgs = PartnerOrg.__table__  # type: ignore[attr-defined]
    code = make_credit_code(987_101)
    done: list[bool] = []

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if done or "WHERE partner_orgs.credit_code =" not in statement:
            return  # not this request's check for the code
        done.append(True)
        with engine.connect() as other, other.begin():
            other.execute(
                orgs.insert(),
                {"id": "RACEORG000000001", "name": "另一请求", "kind": "INSURER",
                 "credit_code": code, "scopes": [], "allowed_claims": [], "status": "ACTIVE",
                 "created_at": env.clock.now()},
            )  # fmt: skip

    event.listen(engine, "after_cursor_execute", after)
    try:
        out = env.gql(REGISTER, {"in": _input(creditCode=code)}, as_="national_admin")
    finally:
        event.remove(engine, "after_cursor_execute", after)
    assert done and "errors" not in out, out  # no INTERNAL_ERROR
    answer = out["data"]["partnerRegister"]
    assert answer["partnerId"] is None
    assert answer["errors"][0]["code"] == "ALREADY_EXISTS"
    assert answer["errors"][0]["field"] == "creditCode"
    with env.session() as s:
        assert s.exec(select(PartnerOrg.id).where(PartnerOrg.credit_code == code)).all() == [
            "RACEORG000000001"
        ]
        refused = s.exec(
            select(AuditEvent.outcome).where(AuditEvent.action == "core.partner_manage")
        ).all()
    assert refused == ["REFUSED:ALREADY_EXISTS"]
