"""The core review step (`applications.start_review`) through the API of a test-only measure
(tests/review_step_plugin.py): the options `business`, `precondition` and `two_person`, and that a
review without them behaves as before."""

from __future__ import annotations

import threading

from sqlmodel import select

from core.accounts import Role
from core.registries.applications import Application, ApplicationEvent, AppStatus, submit
from core.registries.applications import transition as move

from . import review_step_plugin as probe

DECIDE = """mutation($a: ID!, $ok: Boolean!, $n: String, $two: Boolean!, $q: Boolean!, $b: Boolean!) {
  reviewProbeDecide(applicationId: $a, approve: $ok, note: $n, twoPerson: $two, queueCheck: $q,
                    business: $b) {
    errors { code message field rule } status acceptedBy decidedBy } }"""


def _env(make_env):
    return make_env((), now="2021-07-01", extra=(probe,))


def _application(env, *, accepted_by=None, business=probe.BUSINESS, queued=True, city="320100"):
    """An application of the probe measure, SUBMITTED or (accepted_by given) UNDER_REVIEW."""
    with env.session() as s:
        app = submit(
            s, now=env.clock.now(), measure=probe.MEASURE, business=business, city_code=city,
            actor_account_id=None, data={"queued": queued},
        )  # fmt: skip
        if accepted_by is not None:
            move(s, app, AppStatus.UNDER_REVIEW, now=env.clock.now(), actor_account_id=accepted_by)
        s.commit()
        return app.id


def decide(env, app_id, as_, approve=True, note="ok", two=False, queued=False, business=False):
    variables = {"a": app_id, "ok": approve, "n": note, "two": two, "q": queued, "b": business}
    return env.data(DECIDE, variables, as_=as_)["reviewProbeDecide"]


def _status(env, app_id):
    with env.session() as s:
        return s.get(Application, app_id).status


def test_without_options_the_reviewer_accepts_and_decides(make_env):
    env = _env(make_env)
    app_id = _application(env)
    out = decide(env, app_id, "clerk")
    clerk = env.refs["clerk"].id
    assert out["errors"] == [] and out["status"] == "APPROVED"
    assert out["acceptedBy"] == clerk and out["decidedBy"] == clerk
    refused = decide(env, _application(env), "clerk", approve=False, note=None)
    assert refused["errors"][0]["code"] == probe.NOTE_REQUIRED


def test_two_person_rule_refuses_the_acceptor_and_lets_another_decide(make_env):
    env = _env(make_env)
    clerk, supervisor = env.refs["clerk"], env.refs["supervisor"]
    app_id = _application(env, accepted_by=clerk.id)
    for approve in (True, False):  # the acceptor may neither approve nor reject
        same = decide(env, app_id, "clerk", approve=approve, two=True)
        assert same["errors"][0]["code"] == probe.SAME_PERSON
        assert same["errors"][0]["field"] == "applicationId"
        assert same["errors"][0]["rule"] == probe.RULE_TWO_PERSON
        assert same["status"] is None and _status(env, app_id) == "UNDER_REVIEW"
    # without the rule the acceptor may decide (the default, as before)
    other_id = _application(env, accepted_by=clerk.id)
    assert decide(env, other_id, "clerk")["status"] == "APPROVED"
    ok = decide(env, app_id, "supervisor", two=True)
    assert ok["errors"] == [] and ok["status"] == "APPROVED"
    assert (ok["acceptedBy"], ok["decidedBy"]) == (clerk.id, supervisor.id)


def test_two_person_rule_refuses_to_accept_and_decide_at_once(make_env):
    env = _env(make_env)
    app_id = _application(env)  # SUBMITTED: the reviewer would be its acceptor too
    out = decide(env, app_id, "supervisor", approve=False, note="不符", two=True)
    assert out["errors"][0]["code"] == probe.SAME_PERSON
    assert _status(env, app_id) == "SUBMITTED"
    with env.session() as s:
        events = s.exec(
            select(ApplicationEvent).where(ApplicationEvent.application_id == app_id)
        ).all()
    assert [e.to_status for e in events] == ["SUBMITTED"]


def test_precondition_refuses_before_anything_moves(make_env):
    env = _env(make_env)
    app_id = _application(env, queued=False)
    out = decide(env, app_id, "clerk", approve=False, note="x", queued=True)
    assert out["errors"][0]["code"] == probe.NOT_QUEUED and _status(env, app_id) == "SUBMITTED"
    queued = _application(env, queued=True)
    assert decide(env, queued, "clerk", approve=False, note="x", queued=True)["status"] == (
        "REJECTED"
    )


def test_business_filter_answers_not_found_for_another_business(make_env):
    env = _env(make_env)
    other = _application(env, business="OTHER")
    out = decide(env, other, "clerk", business=True)
    assert out["errors"][0]["code"] == "NOT_FOUND" and _status(env, other) == "SUBMITTED"
    assert decide(env, other, "clerk")["status"] == "APPROVED"  # no filter: as before


def test_gates_come_before_the_options(make_env):
    env = _env(make_env)
    app_id = _application(env, accepted_by=env.refs["clerk"].id, queued=False)
    far = decide(env, app_id, "clerk_sh", two=True, queued=True)
    assert far["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    env.set_rollout(probe.MEASURE, "320100", enabled=False, valid_from=env.clock.today())
    off = decide(env, app_id, "supervisor", two=True, queued=True)
    assert off["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert _status(env, app_id) == "UNDER_REVIEW"


def test_concurrent_second_person_decisions_succeed_once(make_env):
    from starlette.testclient import TestClient

    from core.http import create_app

    env = _env(make_env)
    with env.session() as s:
        f = env.factory(s)
        heads = [f.staff(f"probe.head{i}", [Role.SUPERVISOR], "320100") for i in range(4)]
        s.commit()
    tokens = [env.token(h) for h in heads]
    app_id = _application(env, accepted_by=env.refs["clerk"].id)
    variables = {"a": app_id, "ok": True, "n": "ok", "two": True, "q": False, "b": False}
    barrier = threading.Barrier(len(tokens))
    results: list[str] = []

    def call(token: str) -> None:
        client = TestClient(create_app(env.platform), raise_server_exceptions=False)
        barrier.wait(timeout=30)
        body = client.post(
            "/graphql",
            json={"query": DECIDE, "variables": variables},
            headers={"authorization": f"Bearer {token}"},
        ).json()["data"]["reviewProbeDecide"]
        results.append(body["errors"][0]["code"] if body["errors"] else "OK")

    threads = [threading.Thread(target=call, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # the losers read UNDER_REVIEW and lost the conditional UPDATE (CONFLICT), or read it after
    # the winner committed (INVALID_TRANSITION: APPROVED cannot become APPROVED)
    assert results.count("OK") == 1, results
    assert set(results) - {"OK"} <= {"CONFLICT", "INVALID_TRANSITION"}, results
    with env.session() as s:
        approvals = s.exec(
            select(ApplicationEvent).where(
                ApplicationEvent.application_id == app_id, ApplicationEvent.to_status == "APPROVED"
            )
        ).all()
    assert len(approvals) == 1
