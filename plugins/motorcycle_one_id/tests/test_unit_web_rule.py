"""Review finding (fix round): a unit's motorcycle application is unit business, so the web
rule of 2024 八-二 applies (on the web only after the app's QR sign-in, for the unit approved);
the unit-manager check is the core's (`core.units.require_unit_manager`), shared with M09/M20."""

from __future__ import annotations

from core.accounts import UnitRole
from core.testing_units import WEB, unit_managed_by, web_token

from .helpers import count_cases

PLUGINS = ["motorcycle_one_id", "unit_accounts"]
DAY = "2024-09-02"
SUBMIT = """mutation($input: MotorcycleCaseInput!) { motorcycleApplicationSubmit(input: $input) {
  errors { code field rule } application { id unitId } } }"""


def _submit(env, vin: str, as_, headers=None, unit_id=None) -> dict:
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": vin, "unitId": unit_id or env.refs["unit"].id}  # fmt: skip
    answer = env.post(SUBMIT, {"input": body}, as_=as_, headers=headers).json()
    assert not answer.get("errors"), answer
    return answer["data"]["motorcycleApplicationSubmit"]


def test_a_unit_application_on_the_web_needs_the_qr_sign_in(make_env):
    env = make_env(PLUGINS, now=DAY)
    out = _submit(env, "LMC4TEST000000201", "zhang_account", WEB)
    assert [e["code"] for e in out["errors"]] == ["UNIT_WEB_QR_REQUIRED"]
    assert out["errors"][0]["field"] == "unitId"
    assert count_cases(env) == 0
    token = web_token(env, env.refs["unit"].id)
    ok = _submit(env, "LMC4TEST000000201", token, WEB)
    assert ok["errors"] == [] and ok["application"]["unitId"] == env.refs["unit"].id
    # from the app the personal token keeps working
    assert _submit(env, "LMC4TEST000000202", "zhang_account")["errors"] == []


def test_a_web_session_applies_only_for_its_own_unit_and_a_user_is_refused(make_env):
    env = make_env(PLUGINS, now=DAY)
    other = unit_managed_by(env, "南京另一家公司", env.refs["zhang"], UnitRole.ADMIN)
    token = web_token(env, other.id)
    out = _submit(env, "LMC4TEST000000203", token, WEB)
    assert [e["code"] for e in out["errors"]] == ["UNIT_WEB_SESSION_OTHER_UNIT"]
    # li is a plain user of the demo unit: the measure's own typed code, from the core check
    user = _submit(env, "LMC4TEST000000204", "li_account")
    assert [e["code"] for e in user["errors"]] == ["MOTORCYCLE_UNIT_MANAGER_REQUIRED"]
    assert count_cases(env) == 0
