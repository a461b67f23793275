"""M08 through the GraphQL API: deferral, restoration window and period, Subject 1, review."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import Role
from core.outbox import OutboxMessage
from core.registries.applications import Application
from core.registries.licences import DrivingLicence, LicenceStatus
from core.testing_db import write_setting
from core.testing_race import outcome, race
from core.web.report_labels import translate, untranslated

from .helpers import (
    ACCEPT,
    DEFER,
    READ,
    REPORT,
    REVIEW,
    S1,
    P,
    accept,
    apps,
    defer,
    defer_input,
    holder,
    review,
)


def test_restorable_is_restored_directly_after_review(make_env):
    env = make_env(P, now="2021-07-01")
    person, account, licence = holder(env)
    out = accept(env, person)
    assert out["errors"] == [] and out["restoration"]["needsSubject1"] is False
    r = out["restoration"]
    assert r["status"] == "UNDER_REVIEW" and r["lastDay"] == "2021-12-01"
    assert r["licenceStatus"] == "CANCELLED_RESTORABLE"
    assert "counted from 2021-06-01" in r["explanation"] and any("八-二-3" in x for x in r["rules"])
    app_id = r["applicationId"]
    assert (
        env.data(READ, {"a": app_id}, as_=account)["overseasReliefRestoration"]["status"]
        == "UNDER_REVIEW"
    )
    assert (
        env.gql(READ, {"a": app_id}, as_="zhang_account")["errors"][0]["extensions"]["code"]
        == "NOT_FOUND"
    )
    s1 = env.data(S1, {"a": app_id, "d": "2021-07-01"}, as_="clerk")["overseasReliefSubject1Record"]
    assert s1["errors"][0]["code"] == "RELIEF_SUBJECT1_NOT_NEEDED"
    done = review(env, app_id)
    assert done["errors"] == [] and done["restoration"]["status"] == "COMPLETED"
    assert done["restoration"]["licence"] == {
        "status": "NORMAL",
        "validFrom": "2021-07-01",
        "validUntil": "2027-07-01",
    }
    with env.session() as s:
        assert s.get(DrivingLicence, licence.id).status == "NORMAL"
        assert s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "overseas_relief.restored")
        ).first()
    assert review(env, app_id)["errors"][0]["code"] == "INVALID_TRANSITION"


def test_cancelled_needs_subject1_before_review(make_env):
    env = make_env(P, now="2021-07-01")
    person, _, _ = holder(env, status=LicenceStatus.CANCELLED)
    accepted = accept(env, person)["restoration"]
    app_id = accepted["applicationId"]
    assert accepted["licenceStatus"] == "CANCELLED"
    early = review(env, app_id)
    assert (
        early["errors"][0]["code"] == "RELIEF_SUBJECT1_REQUIRED"
        and "八-二-3" in early["errors"][0]["rule"]
    )
    bad = env.data(S1, {"a": app_id, "d": "2021-07-02"}, as_="clerk")[
        "overseasReliefSubject1Record"
    ]
    assert bad["errors"][0]["code"] == "INVALID_DATE"
    ok = env.data(S1, {"a": app_id, "d": "2021-07-01"}, as_="clerk")["overseasReliefSubject1Record"]
    assert ok["restoration"]["subject1PassedOn"] == "2021-07-01"
    assert review(env, app_id)["restoration"]["status"] == "COMPLETED"


def test_the_acceptor_cannot_review(make_env):
    env = make_env(P, now="2021-07-01")
    with env.session() as s:
        f = env.factory(s)
        f.counter += 5000
        both = f.staff(
            "both.nj", [Role.CLERK, Role.SUPERVISOR], "320100", office=env.refs["office:320100"]
        )
        s.commit()
    person, _, _ = holder(env)
    app_id = accept(env, person, as_=both)["restoration"]["applicationId"]
    same = review(env, app_id, as_=both)
    assert (
        same["errors"][0]["code"] == "RELIEF_SAME_PERSON_REVIEW"
        and "八-二-5" in same["errors"][0]["rule"]
    )
    assert (
        env.gql(
            REVIEW, {"i": {"applicationId": app_id, "approve": True, "note": "x"}}, as_="clerk"
        )["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    assert review(env, app_id, note=" ")["errors"][0]["field"] == "note"
    rejected = review(env, app_id, approve=False, note="出入境记录存疑")
    assert rejected["restoration"]["status"] == "REJECTED"


def test_six_month_window_from_2021_06_01_for_earlier_returns(make_env):
    env = make_env(P, now="2021-12-01")
    person, _, _ = holder(env)
    assert accept(env, person)["errors"] == []
    env.clock.set("2021-12-02")
    person2, _, _ = holder(env)
    late = accept(env, person2)["errors"][0]
    assert late["code"] == "RELIEF_SIX_MONTHS_PASSED" and "八-二-2" in late["rule"]


def test_six_month_window_from_a_later_return_month_end(make_env):
    crossings = ((dt.date(2020, 3, 1), "EXIT"), (dt.date(2021, 8, 31), "ENTRY"))
    env = make_env(P, now="2022-02-28")
    person, _, _ = holder(env, cancelled=dt.date(2021, 12, 31), crossings=crossings)
    out = accept(env, person)
    assert out["errors"] == [] and out["restoration"]["lastDay"] == "2022-02-28"
    env.clock.set("2022-03-01")
    person2, _, _ = holder(env, cancelled=dt.date(2021, 12, 31), crossings=crossings)
    assert accept(env, person2)["errors"][0]["code"] == "RELIEF_SIX_MONTHS_PASSED"


def test_relief_period_boundaries(make_env):
    env = make_env(P, now="2021-07-01")
    for cancelled, ok in [(dt.date(2020, 1, 19), False), (dt.date(2020, 1, 20), True)]:
        person, _, _ = holder(env, cancelled=cancelled, valid_until=dt.date(2020, 1, 1))
        errors = accept(env, person)["errors"]
        assert (errors == []) is ok, (cancelled, errors)
    env.clock.set("2022-01-05")
    later = ((dt.date(2020, 3, 1), "EXIT"), (dt.date(2022, 1, 3), "ENTRY"))
    for cancelled, ok in [(dt.date(2021, 12, 31), True), (dt.date(2022, 1, 1), False)]:
        person, _, _ = holder(env, cancelled=cancelled, crossings=later)
        errors = accept(env, person)["errors"]
        assert (errors == []) is ok, (cancelled, errors)
        if not ok:
            assert errors[0]["code"] == "RELIEF_CANCELLED_OUTSIDE_PERIOD"


def test_exit_entry_checks(make_env):
    env = make_env(P, now="2021-07-01")
    home, _, _ = holder(
        env, crossings=((dt.date(2019, 1, 1), "EXIT"), (dt.date(2019, 6, 1), "ENTRY"))
    )
    assert accept(env, home)["errors"][0]["code"] == "RELIEF_NOT_ABROAD_AT_DEADLINE"
    away, _, _ = holder(env, crossings=((dt.date(2019, 1, 1), "EXIT"),))
    assert accept(env, away)["errors"][0]["code"] == "RELIEF_NOT_RETURNED"
    env.platform.adapters["exit_entry_records"].down = True
    person, _, _ = holder(env)
    assert accept(env, person)["errors"][0]["code"] == "RELIEF_EXIT_ENTRY_UNAVAILABLE"
    assert apps(env) == []


def test_acceptance_guards(make_env):
    env = make_env(P, now="2021-05-31")
    person, account, _ = holder(env)
    assert accept(env, person)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    env.clock.set("2021-06-01")
    assert (
        accept(env, person, health=False)["errors"][0]["code"]
        == "RELIEF_HEALTH_CERTIFICATE_REQUIRED"
    )
    assert accept(env, person, as_="clerk_sh")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(
            ACCEPT, {"i": {"idNumber": person.id_number, "healthCertificate": True}}, as_=account
        )["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    assert (
        env.data(ACCEPT, {"i": {"idNumber": "123", "healthCertificate": True}}, as_="clerk")[
            "overseasReliefRestoreAccept"
        ]["errors"][0]["code"]
        == "INVALID_ID_NUMBER"
    )
    assert accept(env, env.refs["zhang"])["errors"][0]["code"] == "RELIEF_LICENCE_NOT_CANCELLED"
    unknown_day, _, _ = holder(env, cancelled=None)
    assert accept(env, unknown_day)["errors"][0]["code"] == "RELIEF_CANCELLED_OUTSIDE_PERIOD"
    assert apps(env) == []
    assert accept(env, person)["errors"] == []
    assert accept(env, person)["errors"][0]["code"] == "RELIEF_OPEN_APPLICATION_EXISTS"


# --- entrusted deferral (八-一) ---------------------------------------------------------------------


def test_deferral_entrusted_with_copies(make_env):
    env = make_env(P, now="2021-07-01")
    abroad, _, licence = holder(env, status=LicenceStatus.NORMAL, cancelled=None, valid_until=dt.date(2021, 8, 1),
                                crossings=((dt.date(2020, 2, 1), "EXIT"),))  # fmt: skip
    agent = env.refs["li"].id_number
    out = defer(env, abroad, agent)
    assert out["errors"] == [] and out["deferral"]["documents"] == "COPY"
    assert agent not in out["deferral"]["agent"] and "*" in out["deferral"]["agent"]
    with env.session() as s:
        assert "复印件" in s.get(DrivingLicence, licence.id).remarks[-1]
    for business in ("REVIEW", "HEALTH_CERTIFICATE"):
        assert defer(env, abroad, agent, business=business, documents="ORIGINAL")["errors"] == []
    # values outside the enums are malformed requests (top level), nothing written
    for unknown in ({"business": "SCRAP"}, {"documents": "FAX"}):
        v = {"i": {**defer_input(abroad, agent), **unknown}}
        body = env.gql(DEFER, v, as_="clerk")
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and body["data"] is None
    assert defer(env, abroad, abroad.id_number)["errors"][0]["code"] == "RELIEF_AGENT_IS_HOLDER"
    assert defer(env, abroad, "12345")["errors"][0]["code"] == "INVALID_ID_NUMBER"
    assert defer(env, abroad, agent, until="2024-07-01")["errors"] == []  # 3 years: last day
    assert (
        defer(env, abroad, agent, until="2024-07-02")["errors"][0]["code"]
        == "RELIEF_DEFERRAL_TOO_LONG"
    )
    assert (
        defer(env, abroad, agent, until="2021-07-01")["errors"][0]["code"]
        == "RELIEF_DEFERRAL_TOO_LONG"
    )
    assert defer(env, abroad, agent, as_="clerk_sh")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    home, _, _ = holder(env, status=LicenceStatus.NORMAL, cancelled=None, crossings=())
    assert defer(env, home, agent)["errors"][0]["code"] == "RELIEF_HOLDER_NOT_ABROAD"
    assert len(apps(env)) == 4


def test_deferral_not_in_force_writes_nothing(make_env):
    env = make_env(P, now="2021-05-31")
    abroad, _, _ = holder(
        env, status=LicenceStatus.NORMAL, cancelled=None, crossings=((dt.date(2020, 2, 1), "EXIT"),)
    )
    out = defer(env, abroad, env.refs["li"].id_number)
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED" and apps(env) == []
    body = env.gql(
        DEFER,
        {
            "i": {
                "holderIdNumber": abroad.id_number,
                "agentIdNumber": "x",
                "business": "RENEWAL",
                "documents": "COPY",
                "until": "2021-13-01",
            }
        },
        as_="clerk",
    )
    assert body["errors"] and body.get("data") is None


def test_relief_report(make_env):
    env = make_env(P, now="2021-07-01")
    person, _, _ = holder(env, status=LicenceStatus.CANCELLED)
    accept(env, person)
    rows = {
        r["label"]: r["values"][0] for r in env.data(REPORT, as_="supervisor")["report"]["rows"]
    }
    assert rows["RESTORE_AFTER_ABROAD:UNDER_REVIEW"] == "1"
    assert rows["restorations needing Subject 1"] == "1" and rows["total"] == "1"
    console = env.http.get("/console/labels.json").json()
    assert untranslated(console, "overseas_relief_figures", rows) == set()
    shown = translate(console, "overseas_relief_figures", "RESTORE_AFTER_ABROAD:UNDER_REVIEW")
    assert shown == "恢复驾驶资格:审核中"


def test_relief_period_start_is_a_setting(make_env):
    from core.rollout import MeasureSetting

    env = make_env(P, now="2021-07-01")
    write_setting(env, "overseas_relief", "320000", "epidemic_start", "2020-01-23")
    person, _, _ = holder(env, cancelled=dt.date(2020, 1, 22), valid_until=dt.date(2020, 1, 1))
    assert accept(env, person)["errors"][0]["code"] == "RELIEF_CANCELLED_OUTSIDE_PERIOD"
    person2, _, _ = holder(env, cancelled=dt.date(2020, 1, 23), valid_until=dt.date(2020, 1, 1))
    assert accept(env, person2)["errors"] == []
    with env.session() as s:  # a stored value that is not a date is ignored: the default applies
        row = s.exec(select(MeasureSetting)).one()
        row.value = {"value": "not a date"}
        s.add(row)
        s.commit()
    env.platform.settings_store.reload()
    person3, _, _ = holder(env, cancelled=dt.date(2020, 1, 20), valid_until=dt.date(2020, 1, 1))
    assert accept(env, person3)["errors"] == []
    setting = """mutation($v: JSON!) { measureSettingSet(measure: "overseas_relief", scopeCode: "320000",
      key: "epidemic_start", value: $v) { errors { code field } } }"""
    for bad in ("not a date", "2020-1-23", "20200123", "2019-11-30", "2021-01-01", 20200123):
        out = env.data(setting, {"v": bad}, as_="province_admin")["measureSettingSet"]
        assert out["errors"] == [{"code": "INVALID_INPUT", "field": "value"}], bad


def test_a_concurrent_decision_is_refused(make_env):
    """Four heads review the same restoration at once: the core review step's conditional moves
    let one decide; the others get CONFLICT (lost the UPDATE) or INVALID_TRANSITION (read it
    decided), and the licence is restored once."""
    env = make_env(P, now="2021-07-01")
    person, _, licence = holder(env)
    app_id = accept(env, person)["restoration"]["applicationId"]
    with env.session() as s:
        f = env.factory(s)
        heads = [f.staff(f"relief.head{i}", [Role.SUPERVISOR], "320100") for i in range(4)]
        s.commit()
    variables = {"i": {"applicationId": app_id, "approve": True, "note": "复核通过"}}
    answers = race(env, [(head, REVIEW, variables) for head in heads])
    results = [outcome(a["data"]["overseasReliefRestoreReview"]) for a in answers]
    assert results.count("OK") == 1, results
    assert set(results) - {"OK"} <= {"CONFLICT", "INVALID_TRANSITION"}, results
    with env.session() as s:
        assert s.get(DrivingLicence, licence.id).status == "NORMAL"
        assert s.get(Application, app_id).status == "COMPLETED"
        restored = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == "overseas_relief.restored")
        ).all()
        assert len(restored) == 1


def test_no_raw_id_number_in_the_audit_log(make_env):
    from core.audit import AuditEvent

    env = make_env(P, now="2021-07-01")
    abroad, _, _ = holder(
        env, status=LicenceStatus.NORMAL, cancelled=None, crossings=((dt.date(2020, 2, 1), "EXIT"),)
    )
    agent = env.refs["li"].id_number
    assert defer(env, abroad, agent)["errors"] == []
    assert defer(env, abroad, abroad.id_number)["errors"]  # refused: audited too
    person, _, _ = holder(env)
    accept(env, person)
    with env.session() as s:
        events = s.exec(select(AuditEvent)).all()
    text = " ".join(f"{e.subject_ref} {e.detail} {e.outcome}" for e in events)
    assert len(events) >= 3
    for number in (agent, abroad.id_number, person.id_number):
        assert number not in text
