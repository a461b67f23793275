"""Access tokens: every way a forged or stale token can be presented is refused."""

import base64
import datetime as dt
import json

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

ME = "{ me { kind roles } }"


def _claims(env, **over):
    now = int(env.clock.now().timestamp())
    claims = {
        "iss": env.platform.settings.issuer,
        "aud": env.platform.settings.audience,
        "sub": env.refs["zhang_account"].id,
        "typ": "user",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "roles": ["CITIZEN"],
        "knd": "CITIZEN",
        "pid": env.refs["zhang"].id,
    }
    claims.update(over)
    return {k: v for k, v in claims.items() if v is not None}


def _sign(env, claims, key=None, kid=None, alg="ES256"):
    active = env.platform.keys.active("auth")
    return jwt.encode(
        claims, key or active.private, algorithm=alg, headers={"kid": kid or active.kid}
    )


def _status(env, token):
    r = env.http.post("/graphql", json={"query": ME}, headers={"authorization": f"Bearer {token}"})
    return r.status_code, r.json()


def test_valid_token_accepted(core_env):
    status, body = _status(core_env, _sign(core_env, _claims(core_env)))
    assert status == 200 and body["data"]["me"]["roles"] == ["CITIZEN"]


def _b64(obj):
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def test_alg_none_refused(core_env):
    token = (
        _b64({"alg": "none", "typ": "JWT", "kid": core_env.platform.keys.active("auth").kid})
        + "."
        + _b64(_claims(core_env))
        + "."
    )
    assert _status(core_env, token)[0] == 401


def test_key_confusion_hs256_with_public_key_refused(core_env):
    active = core_env.platform.keys.active("auth")
    public_pem = active.public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": active.kid}
    import hashlib
    import hmac

    signing_input = _b64(header) + "." + _b64(_claims(core_env))
    sig = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    token = signing_input + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()
    assert _status(core_env, token)[0] == 401


def test_foreign_key_refused(core_env):
    other = ec.generate_private_key(ec.SECP256R1())
    status, body = _status(core_env, _sign(core_env, _claims(core_env), key=other))
    assert status == 401
    # the reason in the API's words, not the JWT library's exception class
    assert body["errors"][0]["message"] == "Token signature does not verify."


def test_document_key_cannot_sign_access_tokens(core_env):
    doc = core_env.platform.keys.active("document")
    assert (
        _status(core_env, _sign(core_env, _claims(core_env), key=doc.private, kid=doc.kid))[0]
        == 401
    )


@pytest.mark.parametrize(
    "override",
    [
        {"exp": -1},  # expired (relative, fixed below)
        {"nbf": 3600},  # not yet valid
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"typ": "credential"},
    ],
)
def test_claim_checks(core_env, override):
    now = int(core_env.clock.now().timestamp())
    fixed = {k: (now + v if k in ("exp", "nbf") else v) for k, v in override.items()}
    status, body = _status(core_env, _sign(core_env, _claims(core_env, **fixed)))
    assert status == 401
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "Error" not in body["errors"][0]["message"], body["errors"][0]["message"]


@pytest.mark.parametrize("missing", ["exp", "aud", "iss", "sub", "nbf", "iat", "typ"])
def test_missing_claims_refused(core_env, missing):
    claims = _claims(core_env)
    claims.pop(missing)
    assert _status(core_env, _sign(core_env, claims))[0] == 401


def test_expiry_follows_the_platform_clock(core_env):
    token = core_env.token("zhang_account")
    assert _status(core_env, token)[0] == 200
    core_env.clock.advance(
        dt.timedelta(minutes=core_env.platform.settings.access_token_minutes, seconds=1)
    )
    assert _status(core_env, token)[0] == 401  # also when the verified token is cached


def test_partner_token_is_not_a_user_token(core_env):
    status, body = _status(core_env, core_env.token(core_env.refs["insurer"]))
    assert status == 200 and body["data"]["me"]["kind"] == "PARTNER"
    body = core_env.gql("{ myDrivingLicences { classes } }", as_=core_env.refs["insurer"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_retired_auth_key_refused_after_rotation(core_env):
    keys = core_env.platform.keys
    old_token = core_env.token("zhang_account")
    old_kid = keys.active("auth").kid
    keys.rotate("auth", core_env.clock.now())
    assert _status(core_env, old_token)[0] == 200  # retiring keys still verify
    core_env.platform.tokens._cache.clear()
    keys.retire(old_kid, core_env.clock.now())
    assert _status(core_env, old_token)[0] == 401


def test_sign_in_and_partner_credentials(core_env):
    body = core_env.data(
        'mutation { signIn(login: "13900000001", password: "demo-pass-1") { token errors { code } } }'
    )
    assert body["signIn"]["token"]
    body = core_env.data(
        'mutation { signIn(login: "13900000001", password: "wrong") { token errors { code field } } }'
    )
    assert body["signIn"] == {
        "token": None,
        "errors": [{"code": "BAD_CREDENTIALS", "field": "password"}],
    }
    body = core_env.data(
        'mutation { signIn(login: "nobody", password: "wrong") { errors { code } } }'
    )
    assert body["signIn"]["errors"][0]["code"] == "BAD_CREDENTIALS"
    body = core_env.data(
        'mutation { partnerTokenCreate(clientId: "insurer-demo", clientSecret: "partner-secret-1") { token errors { code } } }'
    )
    assert body["partnerTokenCreate"]["token"]
    body = core_env.data(
        'mutation { partnerTokenCreate(clientId: "insurer-demo", clientSecret: "nope") { token errors { code } } }'
    )
    assert body["partnerTokenCreate"]["errors"][0]["code"] == "BAD_CREDENTIALS"


def test_sign_in_rate_limited_per_login(core_env):
    for _ in range(5):
        core_env.data(
            'mutation { signIn(login: "13900000002", password: "wrong") { errors { code } } }'
        )
    body = core_env.data(
        'mutation { signIn(login: "13900000002", password: "demo-pass-1") { token errors { code } } }'
    )
    assert body["signIn"]["errors"][0]["code"] == "RATE_LIMITED" and body["signIn"]["token"] is None
    # another login is not affected
    body = core_env.data(
        'mutation { signIn(login: "13900000001", password: "demo-pass-1") { token } }'
    )
    assert body["signIn"]["token"]


def test_unknown_key_ids_do_not_reload_keys_on_every_request(core_env, monkeypatch):
    keys = core_env.platform.keys
    keys.reload()
    calls = []
    real = keys.reload
    monkeypatch.setattr(keys, "reload", lambda: calls.append(1) or real())
    for i in range(50):
        assert keys.verifying_key(f"FORGED{i}", "auth") is None
    assert len(calls) == 0  # loaded moments ago: forged ids answer from memory


# --- issue 12 item 7 ---------------------------------------------------------------------------


def test_not_before_leeway_is_one_rule_on_every_path(core_env):
    """A token whose nbf is 20 s ahead (inside the 30 s leeway) is accepted on every request, not
    on alternate ones (the cached path used to apply no leeway)."""
    now = int(core_env.clock.now().timestamp())
    token = _sign(core_env, _claims(core_env, nbf=now + 20, iat=now + 20))
    for _ in range(4):
        status, body = _status(core_env, token)
        assert status == 200 and body["data"]["me"]["kind"] == "CITIZEN"
    beyond = _sign(core_env, _claims(core_env, nbf=now + 40, iat=now + 40))
    for _ in range(3):
        assert _status(core_env, beyond)[0] == 401


def test_next_key_does_not_verify_until_it_is_active(core_env):
    """The NEXT key is published (JWKS) but must not verify tokens before it is activated."""
    from cryptography.hazmat.primitives import serialization as ser
    from sqlmodel import select

    from core.documents.keys import KeyState, SigningKey

    with core_env.session() as s:
        row = s.exec(
            select(SigningKey).where(
                SigningKey.purpose == "auth", SigningKey.state == KeyState.NEXT
            )
        ).one()
    private = ser.load_pem_private_key(row.private_pem.encode(), password=None)
    token = _sign(core_env, _claims(core_env), key=private, kid=row.kid)
    status, body = _status(core_env, token)
    assert status == 401 and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    core_env.platform.keys.rotate("auth", core_env.clock.now())  # NEXT becomes ACTIVE
    core_env.platform.tokens._cache.clear()
    assert _status(core_env, token)[0] == 200


def test_a_rotation_by_another_worker_is_seen(core_env):
    """Another worker activates the NEXT key: this worker reloads its ring instead of refusing."""
    import time

    from core.documents import keys as keys_module
    from core.documents.keys import KeyRing

    other_worker = KeyRing(core_env.platform.engine)
    other_worker.reload()
    new_kid = other_worker.rotate("auth", core_env.clock.now())
    token = _sign(core_env, _claims(core_env), key=other_worker.active("auth").private, kid=new_kid)
    ring = core_env.platform.keys
    ring._loaded_at = time.monotonic() - keys_module.UNKNOWN_KID_RELOAD_SECONDS - 1
    assert _status(core_env, token)[0] == 200


ADMIN_DISABLE = """mutation($id: ID!, $s: AccountStatus!) {
  accountStatusSet(accountId: $id, status: $s, reason: "left the service") {
    status errors { code field } } }"""
PARTNER_SUSPEND = """mutation($id: ID!, $s: PartnerStatus!) {
  partnerStatusSet(partnerId: $id, status: $s, reason: "contract ended") {
    status errors { code field } } }"""


def test_disabling_an_account_takes_effect_on_the_next_request(core_env):
    env = core_env
    citizen = env.token("zhang_account")  # issued before the account is disabled
    clerk = env.token("clerk")
    assert _status(env, citizen)[0] == 200 and _status(env, clerk)[0] == 200
    # a province administrator may not disable a citizen; the national administrator may
    body = env.gql(
        ADMIN_DISABLE, {"id": env.refs["zhang_account"].id, "s": "DISABLED"}, as_="province_admin"
    )
    assert body["data"]["accountStatusSet"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert _status(env, citizen)[0] == 200
    body = env.gql(
        ADMIN_DISABLE, {"id": env.refs["zhang_account"].id, "s": "DISABLED"}, as_="national_admin"
    )
    assert body["data"]["accountStatusSet"] == {"status": "DISABLED", "errors": []}
    status, answer = _status(env, citizen)
    assert status == 401 and answer["errors"][0]["message"] == "This account is disabled."
    # the province administrator disables a clerk of their province
    body = env.gql(
        ADMIN_DISABLE, {"id": env.refs["clerk"].id, "s": "DISABLED"}, as_="province_admin"
    )
    assert body["data"]["accountStatusSet"]["errors"] == []
    assert _status(env, clerk)[0] == 401
    env.gql(ADMIN_DISABLE, {"id": env.refs["clerk"].id, "s": "ACTIVE"}, as_="province_admin")
    assert _status(env, clerk)[0] == 200


def test_nobody_disables_themself_and_citizens_cannot_call_it(core_env):
    env = core_env
    own = env.refs["national_admin"].id
    body = env.gql(ADMIN_DISABLE, {"id": own, "s": "DISABLED"}, as_="national_admin")
    assert body["data"]["accountStatusSet"]["errors"][0]["code"] == "FORBIDDEN"
    body = env.gql(ADMIN_DISABLE, {"id": own, "s": "DISABLED"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_suspending_a_partner_takes_effect_on_the_next_request(core_env):
    env = core_env
    org, client = env.refs["insurer"]
    token = env.token(env.refs["insurer"])
    assert _status(env, token)[0] == 200
    body = env.gql(PARTNER_SUSPEND, {"id": org.id, "s": "SUSPENDED"}, as_="national_admin")
    assert body["data"]["partnerStatusSet"] == {"status": "SUSPENDED", "errors": []}
    status, answer = _status(env, token)
    assert status == 401 and answer["errors"][0]["message"] == "This partner is suspended."
    env.gql(PARTNER_SUSPEND, {"id": org.id, "s": "ACTIVE"}, as_="national_admin")
    assert _status(env, token)[0] == 200


def test_jwks_publishes_document_and_access_token_keys_marked_apart(core_env):
    keys = core_env.http.get("/.well-known/jwks.json").json()["keys"]
    purposes = {k["purpose"] for k in keys}
    assert purposes == {"document", "auth", "audit"}
    active_auth = core_env.platform.keys.active("auth")
    published = next(k for k in keys if k["kid"] == active_auth.kid)
    assert published["status"] == "active" and published["use"] == "sig"
    assert all("d" not in k for k in keys)  # public parts only
    # a resource server can check an access token with the published key alone
    from jwt import PyJWK

    token = core_env.token("zhang_account")
    claims = jwt.decode(
        token,
        PyJWK(published).key,
        algorithms=["ES256"],
        audience=core_env.platform.settings.audience,
        options={"verify_exp": False, "verify_nbf": False, "verify_iat": False},
    )
    assert claims["sub"] == core_env.refs["zhang_account"].id
