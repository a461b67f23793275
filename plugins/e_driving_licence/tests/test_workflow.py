"""M01's application workflow through the API (issue 15 item 12): the holder withdraws a pending
application and may apply again; the clerk rejects with the reason; each is told through the
outbox by the workflow's declared notice."""

from __future__ import annotations

from core.testing_notices import notice_templates, notice_texts

from .helpers import REVIEW, apply

WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status } } }"""


def _apply(env):
    body = apply(env)
    assert body["errors"] == []
    return body["application"]["id"]


def test_the_holder_withdraws_and_may_apply_again(edl):
    env = edl()
    app_id = _apply(env)
    pending = apply(env)
    assert pending["errors"][0]["code"] == "EDL_PENDING_APPLICATION"
    assert pending["errors"][0]["rule"].startswith("M01 2021-一-五-3")
    other = env.data(WITHDRAW, {"a": app_id}, as_="li_account")["applicationWithdraw"]
    assert other["errors"] == [{"code": "NOT_FOUND", "field": "applicationId"}]
    out = env.data(WITHDRAW, {"a": app_id, "r": "照片不满意"}, as_="zhang_account")
    assert out["applicationWithdraw"] == {"errors": [], "application": {"status": "CANCELLED"}}
    assert notice_templates(env) == ["e_driving_licence.withdrawn"]
    late = env.data(REVIEW, {"id": app_id, "ok": True}, as_="clerk")["eDrivingLicenceReview"]
    assert late["errors"][0]["code"] == "INVALID_TRANSITION"
    assert _apply(env) != app_id


def test_a_rejection_tells_the_holder_once_with_the_reason(edl):
    env = edl()
    app_id = _apply(env)
    out = env.data(REVIEW, {"id": app_id, "ok": False, "note": "照片模糊"}, as_="clerk")
    assert out["eDrivingLicenceReview"]["errors"] == []
    assert out["eDrivingLicenceReview"]["application"]["status"] == "REJECTED"
    texts = notice_texts(env, "zhang_account")
    assert texts == ["您的电子驾驶证申领未通过：照片模糊"]
