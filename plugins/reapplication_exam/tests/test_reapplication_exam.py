"""M17 through the GraphQL API: scope, the four cases, the transition, notices and boundaries."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.db import stamp
from core.outbox import OutboxMessage
from core.registries.licences import DrivingLicence, LicenceStatus
from core.testing_db import row_count

from ..models import Registration
from .helpers import (
    MINE,
    MINE_OLD,
    NOTIFY,
    PLAN,
    REGISTER,
    REPORT,
    RESULT,
    P,
    holder,
    legacy,
    register,
    registrations,
    result,
)


def test_case1_small_car_takes_subject1_and_road_test_then_restored(make_env):
    env = make_env(P, now="2024-07-01")
    _, account, licence = holder(env, "C1")
    out = register(env, licence, "C1", account)
    assert out["errors"] == []
    plan = out["plan"]
    assert plan["case"] == 1 and plan["required"] == ["SUBJECT1", "SUBJECT3_ROAD"]
    assert "2024-五-一-1" in plan["rules"][0]
    reg = plan["registrationId"]
    s2 = result(env, reg, "SUBJECT2")
    assert s2["errors"][0]["code"] == "REAPPLY_SUBJECT_NOT_REQUIRED"
    assert result(env, reg, "SUBJECT1")["plan"]["remaining"] == ["SUBJECT3_ROAD"]
    failed = result(env, reg, "SUBJECT3_ROAD", passed=False)
    assert failed["plan"]["remaining"] == ["SUBJECT3_ROAD"] and failed["plan"]["status"] == "OPEN"
    done = result(env, reg, "SUBJECT3_ROAD")
    assert done["plan"]["status"] == "RESTORED"
    with env.session() as s:
        row = s.get(DrivingLicence, licence.id)
        assert row.status == "NORMAL" and row.classes == "C1"
        assert row.valid_from == dt.date(2024, 7, 1) and row.valid_until == dt.date(2030, 7, 1)
        assert s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "reapplication_exam.restored")
        ).first()
    again = result(env, reg, "SUBJECT1")
    assert again["errors"][0]["code"] == "REAPPLY_REGISTRATION_NOT_OPEN"


def test_case2_large_licence_restores_small_car(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "B2")
    plan = register(env, licence, "C1", account)["plan"]
    assert plan["case"] == 2 and plan["required"] == ["SUBJECT1", "SUBJECT3_ROAD"]


def test_large_class_or_motorcycle_takes_all_subjects(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "B2")
    plan = register(env, licence, "B2", account)["plan"]
    assert plan["case"] is None and plan["required"] == [
        "SUBJECT1",
        "SUBJECT2",
        "SUBJECT3_ROAD",
        "SUBJECT3_SAFETY",
    ]
    assert "全科目" in plan["rules"][0]
    _, account2, licence2 = holder(env, "C1 D")
    plan2 = register(env, licence2, "C1 D", account2)["plan"]
    assert len(plan2["required"]) == 4


def test_case3_and_case4_c6(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1 C6")
    plan3 = register(env, licence, "C2", account)["plan"]
    assert plan3["case"] == 3 and plan3["restores"] == ["C2"]
    env2_person, account4, licence4 = holder(env, "C2 C6")
    plan4 = register(env, licence4, "C2 C6", account4)["plan"]
    assert plan4["case"] == 4 and plan4["restores"] == ["C2", "C6"]
    assert any("自动恢复C6" in r for r in plan4["rules"])
    reg = plan4["registrationId"]
    result(env, reg, "SUBJECT1")
    assert result(env, reg, "SUBJECT3_ROAD")["plan"]["status"] == "RESTORED"
    with env.session() as s:
        assert s.get(DrivingLicence, licence4.id).classes == "C2 C6"


def test_overdue_three_years_boundary(make_env):
    env = make_env(P, now="2024-07-01")
    _, account, licence = holder(env, "C1", valid_until=dt.date(2021, 7, 1))
    out = register(env, licence, "C1", account)
    assert out["errors"][0]["code"] == "REAPPLY_NOT_OVERDUE_THREE_YEARS"
    assert "2024-五-一" in out["errors"][0]["rule"] and registrations(env) == []
    env.clock.set("2024-07-02")
    assert register(env, licence, "C1", account)["errors"] == []


def test_scope_refusals(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, normal = holder(env, "C1", status=LicenceStatus.NORMAL)
    assert (
        register(env, normal, "C1", account)["errors"][0]["code"] == "REAPPLY_LICENCE_NOT_CANCELLED"
    )
    _, account2, moto = holder(env, "D")
    assert register(env, moto, "D", account2)["errors"][0]["code"] == "REAPPLY_NO_SMALL_CAR_CLASS"
    _, account3, c2 = holder(env, "C2")
    bad = register(env, c2, "C1", account3)["errors"][0]
    assert bad["code"] == "REAPPLY_CLASS_NOT_RESTORABLE" and bad["field"] == "classes"
    assert register(env, c2, "ZZ", account3)["errors"][0]["code"] == "INVALID_INPUT"
    assert register(env, c2, "C2", account)["errors"][0]["code"] == "NOT_FOUND"  # not theirs
    assert register(env, c2, "C2", account3)["errors"] == []
    assert register(env, c2, "C2", account3)["errors"][0]["code"] == "REAPPLY_ALREADY_REGISTERED"
    assert len(registrations(env)) == 1


def test_roles_jurisdiction_and_rollout(make_env):
    env = make_env(P, now="2024-06-30")
    _, account, licence = holder(env, "C1")
    out = register(env, licence, "C1", account)
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED" and registrations(env) == []
    env.clock.set("2024-07-01")
    assert register(env, licence, "C1", "clerk_sh")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(REGISTER, {"i": {"licenceId": licence.id, "classes": "C1"}}, as_="supervisor")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    reg = register(env, licence, "C1", "clerk")["plan"]["registrationId"]
    body = env.gql(
        RESULT, {"i": {"registrationId": reg, "subject": "SUBJECT1", "passed": True}}, as_=account
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # an unknown subject is not a ReapplicationExamSubject: the request is malformed (top level)
    unknown = env.gql(
        RESULT, {"i": {"registrationId": reg, "subject": "SUBJECT9", "passed": True}}, as_="clerk"
    )
    assert (
        unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and unknown["data"] is None
    )
    assert (
        result(env, reg, "SUBJECT1", as_="clerk_sh")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    )
    assert env.data(PLAN, {"r": reg}, as_=account)["reapplicationExamPlan"]["case"] == 1
    other = env.gql(PLAN, {"r": reg}, as_="zhang_account")
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert env.data(PLAN, {"r": reg}, as_="supervisor")["reapplicationExamPlan"]["case"] == 1


def test_transition_registered_before_2024_07_01(make_env):
    env = make_env(P, now="2024-07-01")
    _, account, licence = holder(env, "C1")
    failed_s2 = legacy(env, licence, ["SUBJECT1"])
    plan = env.data(PLAN, {"r": failed_s2}, as_=account)["reapplicationExamPlan"]
    assert plan["remaining"] == ["SUBJECT3_ROAD"]
    assert any("不再需要参加科目二考试和科目三安全文明常识考试" in r for r in plan["rules"])
    _, account2, licence2 = holder(env, "C1")
    passed_s2 = legacy(env, licence2, ["SUBJECT1", "SUBJECT2"])
    plan2 = env.data(PLAN, {"r": passed_s2}, as_=account2)["reapplicationExamPlan"]
    assert plan2["remaining"] == ["SUBJECT3_ROAD"]
    assert any("不再需要参加科目三安全文明常识考试" in r for r in plan2["rules"])
    done = result(env, passed_s2, "SUBJECT3_ROAD")
    assert done["plan"]["status"] == "RESTORED"
    assert (
        result(env, failed_s2, "SUBJECT3_SAFETY")["errors"][0]["code"]
        == "REAPPLY_SUBJECT_NOT_REQUIRED"
    )


def test_transition_notice_goes_out_before_the_change(make_env):
    env = make_env(P, now="2024-06-20")
    _, _, licence = holder(env, "C1")
    legacy(env, licence, [], booked=dt.date(2024, 6, 25))
    _, _, licence_sh = holder(env, "C1")
    out = env.data(NOTIFY, {"c": "320100"}, as_="clerk")["reapplicationExamTransitionNotify"]
    assert out == {"errors": [], "notified": 1}
    with env.session() as s:
        msg = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "reapplication_exam.transition")
        ).one()
        assert msg.person_id == licence.person_id and msg.params["effective"] == "2024-07-01"
        assert (
            msg.params["remaining"] == ["SUBJECT1", "SUBJECT3_ROAD"]
            and msg.params["subject2_booked"] == "2024-06-25"
        )
    assert (
        env.data(NOTIFY, {"c": "320100"}, as_="supervisor")["reapplicationExamTransitionNotify"][
            "notified"
        ]
        == 0
    )
    assert (
        env.data(NOTIFY, {"c": "320100"}, as_="clerk_sh")["reapplicationExamTransitionNotify"][
            "errors"
        ][0]["code"]
        == "OUT_OF_JURISDICTION"
    )
    assert (
        env.data(NOTIFY, {"c": "99"}, as_="clerk")["reapplicationExamTransitionNotify"]["errors"][
            0
        ]["code"]
        == "UNKNOWN_CITY"
    )
    body = env.gql(NOTIFY, {"c": "320100"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_transition_notice_refused_where_the_measure_is_not_scheduled(make_env):
    env = make_env(P, now="2024-06-20")
    env.set_rollout("reapplication_exam", "320100", enabled=False, valid_from=dt.date(2024, 1, 1))
    _, _, licence = holder(env, "C1")
    legacy(env, licence, [])
    out = env.data(NOTIFY, {"c": "320100"}, as_="clerk")["reapplicationExamTransitionNotify"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, OutboxMessage) == 0


def test_transition_notice_job(make_env):
    env = make_env(P, now="2024-06-25")
    _, _, licence = holder(env, "C1")
    legacy(env, licence, ["SUBJECT1", "SUBJECT2"])
    with env.session() as s:
        f = env.factory(s)
        f.counter += 7000
        person, _ = f.citizen("上海复考", birth=dt.date(1980, 1, 1), city="310100")
        sh = f.licence(
            person,
            "C1",
            dt.date(2005, 1, 1),
            "310100",
            status=LicenceStatus.CANCELLED,
            valid_from=dt.date(2014, 1, 1),
            valid_years=6,
        )
        s.commit()
    env.set_rollout("reapplication_exam", "310100", enabled=False, valid_from=dt.date(2024, 1, 1))
    with env.session() as s:
        s.add(Registration(person_id=person.id, licence_id=sh.id, city_code="310100", original_classes="C1",
                           requested_classes="C1", registered_on=dt.date(2024, 6, 1),
                           created_at=stamp(env.clock.now()), updated_at=stamp(env.clock.now())))  # fmt: skip
        s.commit()
    job = env.platform.jobs["reapplication_exam_transition_notices"]
    assert job.run(env.platform, env.clock.now()) == {
        "notified": 1,
        "cities_not_in_force": ["310100"],
    }
    with env.session() as s:
        msg = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "reapplication_exam.transition")
        ).one()
        assert msg.person_id == licence.person_id and msg.params["remaining"] == ["SUBJECT3_ROAD"]
    assert job.run(env.platform, env.clock.now())["notified"] == 0


def test_registration_report(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1 C6")
    register(env, licence, "C1 C6", account)
    _, account2, big = holder(env, "B2")
    register(env, big, "B2", account2)
    rows = {
        r["label"]: r["values"][0] for r in env.data(REPORT, as_="supervisor")["report"]["rows"]
    }
    assert rows == {"case 4:OPEN": "1", "case FULL:OPEN": "1", "total": "2"}


def test_my_registrations(make_env):
    env = make_env(P, now="2024-06-30")
    _, account, licence = holder(env, "C1")
    # one's own records are read whatever the rollout (docs/plugins.md rule 2): none yet
    assert env.data(MINE, as_=account)["myReapplicationExamRegistrations"]["totalCount"] == 0
    env.clock.set("2024-07-02")
    register(env, licence, "C1", account)
    mine = env.data(MINE, as_=account)["myReapplicationExamRegistrations"]
    assert mine == {
        "totalCount": 1,
        "nodes": [{"case": 1, "remaining": ["SUBJECT1", "SUBJECT3_ROAD"]}],
    }
    assert (
        env.data(MINE, as_="zhang_account")["myReapplicationExamRegistrations"]["totalCount"] == 0
    )
    # the deprecated name answers the same until it is removed
    assert env.data(MINE_OLD, as_=account)["reapplicationExamMyRegistrations"] == mine
