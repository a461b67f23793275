"""M15 through the GraphQL API and its jobs: apply, review with cascade, certificate verified by
commerce, scrap reports with the one-day rule, scrap-deadline reminders."""

import datetime as dt

from sqlmodel import select

from core.db import stamp
from core.documents.credentials import IssuedCredential, issue
from core.outbox import OutboxMessage
from core.registries.applications import Application
from core.registries.vehicles import FiledDriver, Vehicle
from core.testing_db import row_count, update_row

from .. import rules, service
from ..models import DeregReminder
from .helpers import APPLY, PROCESS, REPORT, REPORTS, REVIEW, SHOW, VERIFY, approve


def test_apply_review_cascade_and_commerce_verification(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    # an e-vehicle licence, a grant to a filed user: both must fall with the deregistration
    from plugins.e_vehicle_licence.models import EvlGrant

    with env.session() as s:
        vl = issue(s, env.clock.now(), "VL", car.id, car.owner_person_id)
        filed = FiledDriver(
            vehicle_id=car.id, person_id=env.refs["li"].id, filed_at=stamp(env.clock.now())
        )
        s.add(filed)
        s.flush()
        s.add(
            EvlGrant(
                vehicle_id=car.id,
                owner_person_id=car.owner_person_id,
                grantee_person_id=env.refs["li"].id,
                filed_driver_id=filed.id,
                filed_at=filed.filed_at,
                created_at=stamp(env.clock.now()),
                valid_until=dt.date(2025, 1, 1),
            )
        )
        s.commit()
        vl_handle = vl.handle
    out = approve(env)
    cert = out["certificate"]
    assert (
        out["application"]["status"] == "COMPLETED"
        and cert["paperIssued"]
        and cert["reason"] == "SCRAPPED"
    )
    with env.session() as s:
        assert s.get(Vehicle, car.id).status == "DEREGISTERED"
        assert s.get(IssuedCredential, vl_handle).revoked_at is not None
        assert all(g.revoked_at is not None for g in s.exec(select(EvlGrant)).all())
    text = env.data(SHOW, {"id": cert["id"]}, as_="zhang_account")["deregistrationCertificateShow"][
        "text"
    ]
    assert text.startswith("DC1:") and len(text) <= 250
    v = env.data(VERIFY, {"p": text}, as_=env.refs["commerce"])["deregistrationCertificateVerify"][
        "verification"
    ]
    assert (
        v["accepted"]
        and v["certificateNumber"] == cert["number"]
        and v["vehicleCategory"] == "SMALL_PASSENGER"
    )
    env.set_rollout(
        "online_deregistration", "320100", enabled=False
    )  # verification stays nationwide
    v = env.data(VERIFY, {"p": text[:-3] + "000"}, as_=env.refs["commerce"])[
        "deregistrationCertificateVerify"
    ]
    assert not v["verification"]["accepted"]
    assert (
        env.gql(VERIFY, {"p": text}, as_=env.refs["insurer"])["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    trail = env.data("{ myAuditTrail { nodes { action purpose } } }", as_="zhang_account")[
        "myAuditTrail"
    ]["nodes"]
    assert {"action": "online_deregistration.verify", "purpose": "以旧换新补贴"} in trail


def test_refusals_owner_role_city_mortgage(dereg):
    env = dereg()
    body = env.data(APPLY, {"id": env.refs["li_car"].id, "r": "SCRAPPED"}, as_="zhang_account")[
        "deregistrationApply"
    ]
    assert body["errors"][0]["code"] == "NOT_FOUND"
    assert (
        env.gql(APPLY, {"id": env.refs["zhang_car"].id, "r": "SCRAPPED"}, as_="clerk")["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    app = env.data(APPLY, {"id": env.refs["zhang_car"].id, "r": "SCRAPPED"}, as_="zhang_account")[
        "deregistrationApply"
    ]
    out = env.data(REVIEW, {"id": app["application"]["id"], "ok": True}, as_="clerk_sh")[
        "deregistrationReview"
    ]
    assert out["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    update_row(env, Vehicle, env.refs["elder_car"].id, mortgaged=True)
    body = env.data(APPLY, {"id": env.refs["elder_car"].id, "r": "SCRAPPED"}, as_="elder_account")[
        "deregistrationApply"
    ]
    assert body["errors"][0]["code"] == "DEREG_NOT_DEREGISTRABLE"
    response = env.post(APPLY, {"id": env.refs["zhang_car"].id, "r": "BROKEN"}, as_="zhang_account")
    assert response.status_code == 200 and response.json()["errors"]


def test_rollout_boundary_2024_07_01(dereg):
    env = dereg(now="2024-06-30")
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id, "r": "SCRAPPED"}, as_="zhang_account")[
        "deregistrationApply"
    ]
    assert body["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    with env.session() as s:
        assert (
            s.exec(select(Application).where(Application.measure == "online_deregistration")).all()
            == []
        )
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    body = env.data(APPLY, {"id": env.refs["zhang_car"].id, "r": "SCRAPPED"}, as_="zhang_account")[
        "deregistrationApply"
    ]
    assert body["errors"] == []


def test_scrap_report_from_another_city_and_one_day_rule(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    today = env.clock.now().date()
    body = env.data(
        REPORT,
        {"vin": car.vin, "d": (today + dt.timedelta(days=1)).isoformat(), "c": "310100"},
        as_=env.refs["scrapping"],
    )["deregistrationScrapReport"]
    assert body["errors"][0]["code"] == "DEREG_SCRAP_DATE"
    body = env.data(
        REPORT,
        {"vin": "TOO-SHORT", "d": today.isoformat(), "c": "310100"},
        as_=env.refs["scrapping"],
    )
    assert body["deregistrationScrapReport"]["errors"][0]["field"] == "vin"
    assert (
        env.gql(REPORT, {"vin": car.vin, "d": today.isoformat(), "c": "310100"}, as_="clerk")[
            "errors"
        ][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    body = env.data(
        REPORT, {"vin": car.vin, "d": today.isoformat(), "c": "310100"}, as_=env.refs["scrapping"]
    )
    report = body["deregistrationScrapReport"]["report"]
    assert report["dueBy"] == (today + dt.timedelta(days=1)).isoformat() and not report["overdue"]
    # the job flags it only after the due day
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    assert service.flag_overdue_scrap_reports(env.platform, env.clock.now())["flagged"] == 0
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    assert service.flag_overdue_scrap_reports(env.platform, env.clock.now())["flagged"] == 1
    assert service.flag_overdue_scrap_reports(env.platform, env.clock.now())["flagged"] == 0
    listed = env.data(REPORTS, {"c": "320100", "o": True}, as_="clerk")[
        "deregistrationScrapReports"
    ]
    assert any(r["id"] == report["id"] and r["overdue"] for r in listed)
    assert (
        env.data(PROCESS, {"id": report["id"]}, as_="clerk_sh")["deregistrationScrapProcess"][
            "errors"
        ][0]["code"]
        == "OUT_OF_JURISDICTION"
    )
    out = env.data(PROCESS, {"id": report["id"]}, as_="clerk")["deregistrationScrapProcess"]
    assert out["errors"] == [] and out["certificate"]["reason"] == "SCRAPPED"
    assert (
        env.data(PROCESS, {"id": report["id"]}, as_="clerk")["deregistrationScrapProcess"][
            "errors"
        ][0]["code"]
        == "DEREG_REPORT_ALREADY_PROCESSED"
    )
    with env.session() as s:
        assert s.get(Vehicle, car.id).status == "DEREGISTERED"


def test_overdue_rule_boundaries():
    received = dt.date(2024, 9, 2)
    assert not rules.is_overdue(received, dt.date(2024, 9, 2))
    assert not rules.is_overdue(received, dt.date(2024, 9, 3))
    assert rules.is_overdue(received, dt.date(2024, 9, 4))


def test_scrap_deadline_reminders_once_per_vehicle_and_deadline(dereg):
    env = dereg()
    today = env.clock.now().date()
    with env.session() as s:
        near = s.get(Vehicle, env.refs["zhang_car"].id)
        near.scrap_deadline = today + dt.timedelta(days=30)  # boundary: included
        far = s.get(Vehicle, env.refs["elder_car"].id)
        far.scrap_deadline = today + dt.timedelta(days=31)  # boundary: not yet
        s.add(near)
        s.add(far)
        for vid in (env.refs["unit_truck"].id, env.refs["unit_car"].id):
            v = s.get(Vehicle, vid)
            v.scrap_deadline = None
            s.add(v)
        s.commit()
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 1
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 0
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    assert (
        service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 1
    )  # the far one, now in window
    with env.session() as s:
        assert len(s.exec(select(DeregReminder)).all()) == 2
        messages = s.exec(
            select(OutboxMessage).where(
                OutboxMessage.template == "online_deregistration.scrap_deadline"
            )
        ).all()
        assert len(messages) == 2
    assert rules.reminder_due(today, today, 30) and not rules.reminder_due(
        today - dt.timedelta(days=1), today, 30
    )


def test_reminder_days_are_those_of_the_vehicles_city(dereg):
    """The job reads the setting for each vehicle's registration city (it used to read the
    nationwide value for all): Jiangsu's 60 days reach a Nanjing car, not a Shanghai one."""
    env = dereg()
    today = env.clock.now().date()
    with env.session() as s:
        for ref in ("zhang_car", "li_car", "elder_car", "unit_truck", "unit_car", "zhang_moto"):
            v = s.get(Vehicle, env.refs[ref].id)
            v.scrap_deadline = (
                today + dt.timedelta(days=45) if ref in ("zhang_car", "li_car") else None
            )
            s.add(v)
        s.commit()
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 0
    setting = """mutation($v: JSON!) { measureSettingSet(measure: "online_deregistration", scopeCode: "320000",
      key: "reminder_days_before_scrap_deadline", value: $v) { errors { code field } } }"""
    for bad in (0, 181, "60", 60.5):
        out = env.data(setting, {"v": bad}, as_="province_admin")["measureSettingSet"]
        assert out["errors"] == [{"code": "INVALID_INPUT", "field": "value"}], bad
    assert env.data(setting, {"v": 60}, as_="province_admin")["measureSettingSet"]["errors"] == []
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 1
    with env.session() as s:
        (reminder,) = s.exec(select(DeregReminder)).all()
    assert reminder.vehicle_id == env.refs["zhang_car"].id
    shanghai = setting.replace('"320000"', '"310100"')  # a city value, by a national admin
    assert env.data(shanghai, {"v": 45}, as_="national_admin")["measureSettingSet"]["errors"] == []
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 1


def test_reminders_respect_rollout(dereg):
    env = dereg(now="2024-06-30")
    update_row(env, Vehicle, env.refs["zhang_car"].id, scrap_deadline=dt.date(2024, 7, 10))
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 0
    assert row_count(env, DeregReminder) == 0
    env.clock.set(env.clock.now() + dt.timedelta(days=1))  # 2024-07-01: in force
    assert service.remind_scrap_deadlines(env.platform, env.clock.now())["reminded"] == 1


def test_monthly_report_counts_the_one_day_rule(dereg):
    env = dereg()
    car = env.refs["zhang_car"]
    today = env.clock.now().date().isoformat()
    report = env.data(
        REPORT, {"vin": car.vin, "d": today, "c": "310100"}, as_=env.refs["scrapping"]
    )["deregistrationScrapReport"]["report"]
    env.data(PROCESS, {"id": report["id"]}, as_="clerk")
    q = """{ report(name: "online_deregistration.monthly", city: "320100", start: "2024-09-01", end: "2024-09-30") {
      columns rows { values } } }"""
    table = env.data(q, as_="supervisor")["report"]
    figures = dict(zip(table["columns"], table["rows"][0]["values"], strict=True))
    assert figures == {"certificates": "1", "scrap_reports": "1", "processed_within_one_day": "1",
                       "flagged_overdue": "0", "rejected": "0", "superseded": "0",
                       "still_open": "0"}  # fmt: skip


def test_an_expired_certificate_payload_is_still_in_the_owners_trail(dereg):
    env = dereg()
    cert = approve(env)["certificate"]
    text = env.data(SHOW, {"id": cert["id"]}, as_="zhang_account")["deregistrationCertificateShow"][
        "text"
    ]
    env.clock.advance(dt.timedelta(hours=1))  # long past the payload's expiry
    v = env.data(VERIFY, {"p": text}, as_=env.refs["commerce"])["deregistrationCertificateVerify"][
        "verification"
    ]
    assert not v["accepted"] and v["reasons"] == ["PAYLOAD_EXPIRED"]
    assert v["certificateNumber"] is None  # a stale screenshot shows no live data
    trail = env.data("{ myAuditTrail { nodes { action purpose } } }", as_="zhang_account")[
        "myAuditTrail"
    ]["nodes"]
    checks = [n for n in trail if n["action"] == "online_deregistration.verify"]
    assert [n["purpose"] for n in checks] == ["以旧换新补贴"], trail
