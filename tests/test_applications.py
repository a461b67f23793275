"""The business-application state machine: allowed moves, history, and no double moves."""

import threading

import pytest
from sqlmodel import Session, select

from core.db import begin_write, write_session
from core.errors import RuleError
from core.registries.applications import (
    Application,
    ApplicationEvent,
    AppStatus,
    submit,
    transition,
)


def _submitted(env):
    with env.session() as s:
        app = submit(
            s,
            now=env.clock.now(),
            measure="m",
            business="b",
            city_code="320100",
            actor_account_id="A1",
        )
        s.commit()
        return app.id


def test_moves_and_history(core_env):
    env = core_env
    app_id = _submitted(env)
    with env.session() as s:
        app = s.get(Application, app_id)
        transition(s, app, AppStatus.UNDER_REVIEW, now=env.clock.now(), actor_account_id="C1")
        transition(
            s, app, AppStatus.APPROVED, now=env.clock.now(), actor_account_id="C2", note="ok"
        )
        s.commit()
    with env.session() as s:
        app = s.get(Application, app_id)
        assert (app.status, app.accepted_by, app.decided_by, app.decision_note) == (
            "APPROVED",
            "C1",
            "C2",
            "ok",
        )
        events = s.exec(
            select(ApplicationEvent.to_status).where(ApplicationEvent.application_id == app_id)
        ).all()
        assert events == ["SUBMITTED", "UNDER_REVIEW", "APPROVED"]
        with pytest.raises(RuleError) as err:
            transition(s, app, AppStatus.UNDER_REVIEW, now=env.clock.now(), actor_account_id="C1")
        assert err.value.code == "INVALID_TRANSITION"


def test_a_stale_copy_cannot_move_the_application(core_env):
    env = core_env
    app_id = _submitted(env)
    engine = env.platform.engine
    with Session(engine, expire_on_commit=False) as reader:
        stale = reader.get(Application, app_id)  # read SUBMITTED, then the transaction ends
        reader.commit()
        with write_session(engine, expire_on_commit=False) as first:
            transition(
                first,
                first.get(Application, app_id),
                AppStatus.UNDER_REVIEW,
                now=env.clock.now(),
                actor_account_id="C1",
            )
            first.commit()
        begin_write(reader)
        with pytest.raises(RuleError) as err:
            transition(
                reader, stale, AppStatus.REJECTED, now=env.clock.now(), actor_account_id="C2"
            )
        assert err.value.code == "CONFLICT"
        reader.rollback()
    with Session(engine) as s:
        assert s.get(Application, app_id).status == "UNDER_REVIEW"


def test_concurrent_moves_succeed_once(core_env):
    env = core_env
    app_id = _submitted(env)
    outcomes = []
    barrier = threading.Barrier(4)

    def move(who):
        barrier.wait(timeout=30)  # then all race for the write (SQLite queues them, PostgreSQL not)
        with write_session(env.platform.engine, expire_on_commit=False) as s:
            app = s.get(Application, app_id)
            try:
                transition(
                    s, app, AppStatus.UNDER_REVIEW, now=env.clock.now(), actor_account_id=who
                )
                s.commit()
                outcomes.append("moved")
            except RuleError as error:
                s.rollback()
                outcomes.append(error.code)

    threads = [threading.Thread(target=move, args=(f"C{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("moved") == 1
    with Session(env.platform.engine) as s:
        assert (
            len(
                s.exec(
                    select(ApplicationEvent).where(ApplicationEvent.to_status == "UNDER_REVIEW")
                ).all()
            )
            == 1
        )
