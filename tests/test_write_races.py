"""A mutation whose check-then-insert loses a race to another request (the unique key taken
between its check and its insert) runs again and answers as its rule says; if it keeps colliding
it is refused as CONFLICT, audited like any refusal: never INTERNAL_ERROR (core/context.py
`Context.mutate`). M19's guide save is the example: an upsert on (city, business)."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session, select

from core.audit.models import AuditEvent
from core.errors import RULE_CONCURRENT_WRITES
from core.testing_race import outcome, race
from plugins.precise_guidance.models import BusinessGuide

PLUGINS = ["precise_guidance"]
NOW = "2024-06-03"
SAVE = """mutation($p: String!) {
  preciseGuidanceGuideSave(city: "320100", business: RENEWAL, process: $p, materials: ["身份证明"]) {
    errors { code field rule message } guide { process } } }"""
GUIDES = BusinessGuide.__table__  # type: ignore[attr-defined]


def _insert_meanwhile(env):
    """Once, right after the request's check for the guide (its first SELECT of the table),
    another connection commits the same (city, business), as a concurrent request would."""
    engine = env.platform.engine
    done: list[bool] = []

    def after(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        if done or not statement.lstrip().startswith("SELECT") or GUIDES.name not in statement:
            return
        done.append(True)
        with engine.connect() as other, other.begin():
            other.execute(
                GUIDES.insert(),
                {"id": "RACE000000000001", "city_code": "320100", "business": "RENEWAL",
                 "process": "另一请求", "materials": ["x"], "updated_at": env.clock.now()},
            )  # fmt: skip

    event.listen(engine, "after_cursor_execute", after)
    return lambda: event.remove(engine, "after_cursor_execute", after)


def _guides(env) -> list[str]:
    with env.session() as s:
        return list(s.exec(select(BusinessGuide.process)).all())


def _outcomes(env) -> list[str]:
    with env.session() as s:
        query = select(AuditEvent.outcome).where(
            AuditEvent.action == "precise_guidance.guide_write"
        )
        return list(s.exec(query.order_by(AuditEvent.seq)).all())


def test_a_key_taken_between_check_and_insert_runs_again_and_updates(make_env):
    env = make_env(PLUGINS, now=NOW)
    stop = _insert_meanwhile(env)
    try:
        out = env.gql(SAVE, {"p": "南京换证流程"}, as_="supervisor")
    finally:
        stop()
    assert "errors" not in out, out  # no INTERNAL_ERROR
    answer = out["data"]["preciseGuidanceGuideSave"]
    # the second attempt finds the other request's guide and updates it: one row, ours
    assert answer == {"errors": [], "guide": {"process": "南京换证流程"}}
    assert _guides(env) == ["南京换证流程"]
    assert _outcomes(env) == ["OK"]


def test_a_mutation_that_keeps_colliding_is_refused_as_conflict(make_env, monkeypatch):
    """Were the check to miss the other row on every attempt (here it is made to see nothing),
    each attempt collides on the key; the last is refused as CONFLICT, audited, nothing written."""
    env = make_env(PLUGINS, now=NOW)
    assert (
        env.data(SAVE, {"p": "先保存的"}, as_="supervisor")["preciseGuidanceGuideSave"]["errors"]
        == []
    )
    real_exec = Session.exec

    def blind_exec(self, statement, *args, **kwargs):  # noqa: ANN001, ANN202
        if getattr(statement, "column_descriptions", [{}])[0].get("entity") is BusinessGuide:
            statement = statement.where(BusinessGuide.id == "-")  # the check finds nothing
        return real_exec(self, statement, *args, **kwargs)

    monkeypatch.setattr(Session, "exec", blind_exec)
    out = env.gql(SAVE, {"p": "后保存的"}, as_="supervisor")
    monkeypatch.undo()
    assert "errors" not in out, out  # not a top-level INTERNAL_ERROR
    answer = out["data"]["preciseGuidanceGuideSave"]
    assert answer["guide"] is None
    assert [(e["code"], e["rule"]) for e in answer["errors"]] == [
        ("CONFLICT", RULE_CONCURRENT_WRITES)
    ]
    assert "try again" in answer["errors"][0]["message"]
    assert _guides(env) == ["先保存的"]
    assert _outcomes(env) == ["OK", "REFUSED:CONFLICT"]


def test_concurrent_saves_of_one_guide_all_succeed(make_env):
    env = make_env(PLUGINS, now=NOW)
    calls = [("supervisor", SAVE, {"p": f"流程{i}"}) for i in range(4)]
    answers = [a["data"]["preciseGuidanceGuideSave"] for a in race(env, calls)]
    assert [outcome(a) for a in answers] == ["OK"] * 4
    assert len(_guides(env)) == 1


@pytest.mark.parametrize("name", ["SQLITE_CONSTRAINT_NOTNULL", "SQLITE_CONSTRAINT_FOREIGNKEY"])
def test_other_integrity_errors_are_not_taken_for_a_race(name):
    from core.db import is_unique_violation

    class Orig(Exception):
        sqlite_errorname = name

    class Wrapped(Exception):
        orig = Orig()

    assert not is_unique_violation(Wrapped())
    Orig.sqlite_errorname = "SQLITE_CONSTRAINT_UNIQUE"
    assert is_unique_violation(Wrapped())
    Orig.sqlstate = "23505"  # PostgreSQL's unique_violation, whatever SQLite would say
    Orig.sqlite_errorname = name
    assert is_unique_violation(Wrapped())
