"""Declared workflows (core/workflow.py): no measure's state machine can strand anyone, moves are
the declared ones, and an applicant can always withdraw a pending application (issue: "workflows
where a citizen or a firm gets stuck for good")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core.db import make_engine
from core.platform import build_platform
from core.registries.applications import Application, AppStatus, submit
from core.registries.applications import transition as move
from core.settings import Settings
from core.workflow import Party, Transition, Workflow, check_all

from . import review_step_plugin as probe

ROOT = Path(__file__).resolve().parent.parent
WITHDRAW = """mutation($a: ID!, $r: String) { applicationWithdraw(applicationId: $a, reason: $r) {
  errors { code field } application { status decisionNote } } }"""
NOTICES = "{ myNotices { nodes { template text } } }"


@pytest.fixture(scope="module")
def platform():
    return build_platform(Settings(database_url="sqlite://"), engine=make_engine("sqlite://"))


def test_no_workflow_of_any_measure_strands_anyone(platform):
    """Every state reachable from a start is final or has a way out, a final state stays
    reachable from it, nothing is declared that never happens, and every notice is declared."""
    assert check_all(platform.workflows.values(), platform.notices) == []


def test_every_measure_that_takes_applications_declares_their_workflow(platform):
    """A measure that submits core applications registers `<measure>.application`, so its
    notices and the applicant's withdrawal are declared, not left to each resolver."""
    missing = []
    for slug in platform.measures:
        folder = ROOT / "plugins" / slug
        sources = " ".join(p.read_text() for p in folder.glob("*.py")) if folder.is_dir() else ""
        if re.search(r"\bapps\.submit\(|\bsubmit\(\s*session", sources) and (
            f"{slug}.application" not in platform.workflows
        ):
            missing.append(slug)
    assert missing == []


S = ("NEW", "WAITING", "DONE", "LOST", "ORPHAN")


@pytest.mark.parametrize(
    ("transitions", "found"),
    [
        ([Transition("go", ("NEW",), "WAITING", (Party.OFFICE,))],
         ["x.y: DONE is never reached", "x.y: LOST is never reached",
          "x.y: ORPHAN is never reached", "x.y: from NEW no final state can be reached",
          "x.y: WAITING is not final and nothing leaves it"]),
        ([Transition("go", ("NEW",), "WAITING", (Party.OFFICE,)),
          Transition("loop", ("WAITING",), "LOST", (Party.SYSTEM,)),
          Transition("back", ("LOST",), "WAITING", (Party.SYSTEM,)),
          Transition("end", ("NEW",), "DONE", (Party.APPLICANT,)),
          Transition("o", ("NEW",), "ORPHAN", (Party.OFFICE,))],
         ["x.y: from LOST no final state can be reached",
          "x.y: from WAITING no final state can be reached"]),
    ],
)  # fmt: skip
def test_the_check_names_what_strands_or_cannot_happen(transitions, found):
    flow = Workflow("x.y", "x", S, ("NEW",), ("DONE", "ORPHAN"), tuple(transitions))
    assert flow.problems() == found


def test_a_malformed_declaration_fails_at_once():
    go = Transition("go", ("NEW",), "NOWHERE", (Party.OFFICE,))
    with pytest.raises(ValueError, match="unknown state 'NOWHERE'"):
        Workflow("x.y", "x", S, ("NEW",), ("DONE",), (go,))
    leave = Transition("undo", ("DONE",), "NEW", (Party.OFFICE,))
    with pytest.raises(ValueError, match="leaves a final state"):
        Workflow("x.y", "x", S, ("NEW",), ("DONE",), (leave,))
    with pytest.raises(ValueError, match="not named 'x.<thing>'"):
        Workflow("other.y", "x", S, ("NEW",), ("DONE",), ())


def _application(env, person_id, status=AppStatus.SUBMITTED):
    with env.session() as s:
        app = submit(
            s, now=env.clock.now(), measure=probe.MEASURE, business=probe.BUSINESS,
            city_code="320100", actor_account_id=None, applicant_person_id=person_id,
        )  # fmt: skip
        for to in {AppStatus.SUBMITTED: [], AppStatus.UNDER_REVIEW: [AppStatus.UNDER_REVIEW],
                   AppStatus.APPROVED: [AppStatus.UNDER_REVIEW, AppStatus.APPROVED]}[status]:  # fmt: skip
            move(s, app, to, now=env.clock.now(), actor_account_id=None)
        s.commit()
        return app.id


@pytest.mark.parametrize("status", [AppStatus.SUBMITTED, AppStatus.UNDER_REVIEW])
def test_an_applicant_withdraws_a_pending_application_and_is_told(make_env, status):
    env = make_env((), now="2021-07-01", extra=(probe,))
    app_id = _application(env, env.refs["zhang"].id, status)
    out = env.data(WITHDRAW, {"a": app_id, "r": "不再需要"}, as_="zhang_account")
    assert out["applicationWithdraw"] == {
        "errors": [],
        "application": {"status": "CANCELLED", "decisionNote": "不再需要"},
    }  # fmt: skip  (the reason is kept, as the operation's description promises)
    notices = env.data(NOTICES, as_="zhang_account")["myNotices"]["nodes"]
    assert [n["template"] for n in notices] == ["review_probe.withdrawn"]
    again = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert again["errors"] == [{"code": "INVALID_TRANSITION", "field": "applicationId"}]


def test_only_the_applicant_withdraws_and_only_while_pending(make_env):
    env = make_env((), now="2021-07-01", extra=(probe,))
    mine = _application(env, env.refs["zhang"].id)
    out = env.data(WITHDRAW, {"a": mine}, as_="li_account")["applicationWithdraw"]
    assert out["errors"] == [{"code": "NOT_FOUND", "field": "applicationId"}]
    approved = _application(env, env.refs["zhang"].id, AppStatus.APPROVED)
    out = env.data(WITHDRAW, {"a": approved}, as_="zhang_account")["applicationWithdraw"]
    assert out["errors"] == [{"code": "INVALID_TRANSITION", "field": "applicationId"}]
    assert env.gql(WITHDRAW, {"a": mine}, as_="clerk")["errors"][0]["extensions"]["code"] == (
        "FORBIDDEN"
    )
    with env.session() as s:
        assert s.get(Application, mine).status == "SUBMITTED"


def test_a_rejection_sends_the_measures_declared_notice(make_env):
    env = make_env((), now="2021-07-01", extra=(probe,))
    app_id = _application(env, env.refs["zhang"].id)
    decide = """mutation($a: ID!) { reviewProbeDecide(applicationId: $a, approve: false,
      note: "材料不全") { errors { code } status } }"""
    assert env.data(decide, {"a": app_id}, as_="clerk")["reviewProbeDecide"]["status"] == "REJECTED"
    texts = [n["text"] for n in env.data(NOTICES, as_="zhang_account")["myNotices"]["nodes"]]
    assert texts == [f"您的探针申请{app_id}未通过：材料不全"]


def test_a_measure_without_a_declared_withdrawal_keeps_its_own_way(make_env):
    """The core's withdrawal is refused for applications of a measure that has not declared it
    (its own records would be left behind)."""
    env = make_env((), now="2021-07-01", extra=(probe,))
    app_id = _application(env, env.refs["zhang"].id)
    with env.session() as s:
        s.get(Application, app_id).measure = "e_driving_licence"
        s.commit()
    out = env.data(WITHDRAW, {"a": app_id}, as_="zhang_account")["applicationWithdraw"]
    assert out["errors"] == [{"code": "INVALID_TRANSITION", "field": "applicationId"}]
