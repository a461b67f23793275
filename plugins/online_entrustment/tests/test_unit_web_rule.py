"""Review finding (fix round): a unit's entrustment is unit business, so the web rule of 2024
八-二 applies (unit business on the web only after the app's QR sign-in, for the unit approved):
one core check (`core.units.require_unit_manager`) for M09, M14 and M20."""

from __future__ import annotations

from core.accounts import UnitRole
from core.testing_answers import first_code
from core.testing_units import WEB, unit_managed_by, web_token

from ..models import EntrustmentGrant
from .helpers import CREATE, REVOKE, agent_of, create_input, grant_count

PLUGINS = ["online_entrustment", "unit_accounts"]
DAY = "2024-09-02"


def _input(env) -> dict:
    return create_input(
        env, vehicleId=env.refs["unit_car"].id, unitId=env.refs["unit"].id, **agent_of(env, "chen")
    )


def _create(env, as_, headers=None) -> dict:
    body = env.post(CREATE, {"input": _input(env)}, as_=as_, headers=headers).json()
    assert not body.get("errors"), body
    return body["data"]["entrustmentCreate"]


def test_a_unit_entrustment_on_the_web_needs_the_qr_sign_in(make_env):
    env = make_env(PLUGINS, now=DAY)
    out = _create(env, "zhang_account", WEB)
    assert first_code(out) == "UNIT_WEB_QR_REQUIRED"
    assert out["errors"][0]["field"] == "unitId"
    assert grant_count(env) == 0
    token = web_token(env, env.refs["unit"].id)
    ok = _create(env, token, WEB)
    assert ok["errors"] == []
    # from the app the personal token keeps working
    assert _create(env, "zhang_account")["errors"] == []
    assert grant_count(env) == 2


def test_a_web_session_entrusts_only_for_its_own_unit(make_env):
    env = make_env(PLUGINS, now=DAY)
    other = unit_managed_by(env, "南京另一家公司", env.refs["zhang"], UnitRole.ADMIN)
    token = web_token(env, other.id)
    out = _create(env, token, WEB)
    assert first_code(out) == "UNIT_WEB_SESSION_OTHER_UNIT"
    assert grant_count(env) == 0


def test_revoking_a_unit_entrustment_on_the_web_needs_the_qr_sign_in(make_env):
    env = make_env(PLUGINS, now=DAY)
    grant_id = _create(env, "zhang_account")["entrustment"]["id"]
    body = env.post(REVOKE, {"id": grant_id}, as_="zhang_account", headers=WEB).json()
    payload = body["data"]["entrustmentRevoke"]
    assert first_code(payload) == "UNIT_WEB_QR_REQUIRED"
    assert payload["errors"][0]["field"] == "id"  # entrustmentRevoke(id:)
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant_id).revoked_at is None
    token = web_token(env, env.refs["unit"].id)
    done = env.post(REVOKE, {"id": grant_id}, as_=token, headers=WEB).json()
    assert done["data"]["entrustmentRevoke"]["errors"] == []
