"""Review finding (fix round): `documentsChecked` is a closed set. The measure's document codes
and the documents decided for the application (the local policy's extra documents by their
declared names, 二-一-3) are accepted; a typed name or a made-up code is INVALID_INPUT naming the
value, and nothing is written (M14 2024-二-二-1: the office records which documents it checked)."""

from __future__ import annotations

from core.registries.applications import Application
from core.testing_answers import codes

from .helpers import PLUGINS, REVIEW, SUBMIT, move_in, set_shanghai_policy


def _submit(env) -> str:
    sub = env.data(SUBMIT, {"input": move_in(env)}, as_="zhang_account")
    return sub["motorcycleApplicationSubmit"]["application"]["id"]


def _review(env, app_id: str, docs: list[str]):
    variables = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": docs}}
    return env.gql(REVIEW, variables, as_="clerk_sh")


def test_an_unknown_document_is_refused_and_nothing_changes(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    app_id = _submit(env)
    for bad in (["RESIDENT_ID", "居住证"], ["RESIDENT_ID", "BOGUS_DOC"]):
        body = _review(env, app_id, bad)
        out = body["data"]["motorcycleApplicationReview"]
        assert codes(out) == ["INVALID_INPUT"]
        assert out["errors"][0]["field"] == "documentsChecked"
        with env.session() as s:
            assert s.get(Application, app_id).status == "SUBMITTED"
    twice = _review(env, app_id, ["RESIDENT_ID", "RESIDENT_ID"])["data"]
    assert codes(twice["motorcycleApplicationReview"]) == ["INVALID_INPUT"]
    ok = _review(env, app_id, ["RESIDENT_ID"])["data"]["motorcycleApplicationReview"]
    assert ok["errors"] == [] and ok["application"]["documentsChecked"] == ["RESIDENT_ID"]


def test_the_unknown_value_is_named(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    app_id = _submit(env)
    review = """mutation($input: MotorcycleReviewInput!) { motorcycleApplicationReview(input: $input) {
      errors { code field message } } }"""
    variables = {
        "input": {"applicationId": app_id, "approve": True, "documentsChecked": ["BOGUS_DOC"]}
    }
    out = env.data(review, variables, as_="clerk_sh")["motorcycleApplicationReview"]
    assert "BOGUS_DOC" in out["errors"][0]["message"]


def test_the_local_policys_extra_documents_are_accepted_by_their_declared_names(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    set_shanghai_policy(env)
    app_id = _submit(env)
    other = _review(env, app_id, ["RESIDENT_ID", "RESIDENCE_PROOF", "机动车驾驶证"])["data"]
    assert codes(other["motorcycleApplicationReview"]) == ["INVALID_INPUT"]
    docs = ["RESIDENT_ID", "RESIDENCE_PROOF", "摩托车驾驶证"]
    out = _review(env, app_id, docs)["data"]["motorcycleApplicationReview"]
    assert out["errors"] == [] and out["application"]["status"] == "APPROVED"
    assert out["application"]["documentsChecked"] == docs
