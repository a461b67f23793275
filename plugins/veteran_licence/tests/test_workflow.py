"""M07's application workflow through the API (issue 15 item 12, issue 16 item 1): the veteran
withdraws a case waiting in the suspicious queue; the office rejects it with its reason; the
applicant is told the result of a suspicious case either way (七-一 可疑业务)."""

from __future__ import annotations

from core.registries.applications import Application
from core.testing_notices import my_notices

from .helpers import P, exchange, resolve, veteran

WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status } } }"""


def _suspicious(env):
    person, account, number = veteran(env, record=False)
    out = exchange(env, person, number)["exchange"]
    assert out["status"] == "UNDER_REVIEW" and out["checkReasons"] == ["NOT_FOUND_IN_REGISTRY"]
    return account, out["applicationId"]


def test_the_veteran_withdraws_a_suspicious_case_and_is_told(make_env):
    env = make_env(P, now="2021-07-01")
    account, app_id = _suspicious(env)
    assert env.gql(WITHDRAW, {"a": app_id}, as_="clerk")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    other = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert other["errors"] == [{"code": "NOT_FOUND", "field": "applicationId"}]
    out = env.data(WITHDRAW, {"a": app_id, "r": "另行办理"}, as_=account)["applicationWithdraw"]
    assert out == {"errors": [], "application": {"status": "CANCELLED"}}
    assert [n["template"] for n in my_notices(env, account)] == ["veteran_licence.withdrawn"]
    late = resolve(env, app_id, "supervisor")
    assert late["errors"][0]["code"] == "VETERAN_NOT_IN_SUSPICIOUS_QUEUE"


def test_a_rejected_suspicious_case_tells_the_applicant_why(make_env):
    env = make_env(P, now="2021-07-01")
    account, app_id = _suspicious(env)
    out = resolve(env, app_id, "supervisor", approve=False, note="部队回函：无此驾驶证")
    assert out["errors"] == [] and out["exchange"]["status"] == "REJECTED"
    assert [n["text"] for n in my_notices(env, account)] == [
        "您的军队（武警）驾驶证换领业务经人工核查未予办理：部队回函：无此驾驶证"
    ]
    again = env.data(WITHDRAW, {"a": app_id}, as_=account)["applicationWithdraw"]
    assert again["errors"] == [{"code": "INVALID_TRANSITION", "field": "applicationId"}]


def test_an_approved_suspicious_case_tells_the_applicant_the_result(make_env):
    env = make_env(P, now="2021-07-01")
    account, app_id = _suspicious(env)
    out = resolve(env, app_id, "supervisor", note="部队来函核实")
    assert out["errors"] == [] and out["exchange"]["status"] == "COMPLETED"
    texts = [n["text"] for n in my_notices(env, account)]
    assert len(texts) == 1 and "已办结" in texts[0]
    assert out["exchange"]["firstIssueDate"] in texts[0]
    with env.session() as s:
        assert s.get(Application, app_id).status == "COMPLETED"
