"""M17 decides by why the licence was cancelled, as the core licence registry stores it: only
逾期三年未换证 is in the measure (2024-五-一; issue 15 item 7)."""

from __future__ import annotations

import datetime as dt

from core.registries.licences import CancellationReason, DrivingLicence, LicenceStatus

from .helpers import P, holder, register, registrations

REASON = """mutation($l: ID!, $r: ReapplicationExamCancellationReason!) {
  reapplicationExamCancellationReasonRecord(licenceId: $l, reason: $r) {
    errors { code field } licenceId reason } }"""


def record(env, licence, reason, as_="clerk"):
    body = env.data(REASON, {"l": licence.id, "r": reason}, as_=as_)
    return body["reapplicationExamCancellationReasonRecord"]


def test_cancelled_at_the_holders_request_is_not_overdue_three_years(make_env):
    """Valid until 2020-05-01 (over three years before 2024-08-01), cancelled at the holder's
    request: refused, nothing written; old main accepted it as 逾期三年未换证."""
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1", reason=CancellationReason.HOLDER_REQUEST)
    out = register(env, licence, "C1", account)
    assert out["errors"][0]["code"] == "REAPPLY_CANCELLED_FOR_OTHER_REASON"
    assert "五-一" in out["errors"][0]["rule"] and out["plan"] is None
    assert registrations(env) == []
    _, account2, unreviewed = holder(env, "C1", reason=CancellationReason.OVERDUE_REVIEW)
    refused = register(env, unreviewed, "C1", account2)["errors"][0]
    assert refused["code"] == "REAPPLY_CANCELLED_FOR_OTHER_REASON"


def test_overdue_renewal_qualifies(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1", reason=CancellationReason.OVERDUE_RENEWAL)
    out = register(env, licence, "C1", account)
    assert out["errors"] == [] and out["plan"]["case"] == 1


def test_a_reason_not_on_file_is_recorded_by_the_office_then_decides(make_env):
    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1", reason=None)
    out = register(env, licence, "C1", account)
    assert out["errors"][0]["code"] == "REAPPLY_CANCELLATION_REASON_NOT_ON_FILE"
    # the citizen cannot record it, nor a clerk of another city, nor a supervisor
    assert (
        env.gql(REASON, {"l": licence.id, "r": "OVERDUE_RENEWAL"}, as_=account)["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    assert (
        env.gql(REASON, {"l": licence.id, "r": "OVERDUE_RENEWAL"}, as_="supervisor")["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    wrong = record(env, licence, "OVERDUE_RENEWAL", as_="clerk_sh")
    assert wrong["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    done = record(env, licence, "OVERDUE_RENEWAL")
    assert done["errors"] == [] and done["reason"] == "OVERDUE_RENEWAL"
    again = record(env, licence, "HOLDER_REQUEST")
    assert again["errors"][0]["code"] == "REAPPLY_CANCELLATION_REASON_ON_FILE"
    with env.session() as s:
        assert s.get(DrivingLicence, licence.id).cancellation_reason == "OVERDUE_RENEWAL"
    assert register(env, licence, "C1", account)["errors"] == []


def test_recording_a_reason_needs_a_cancelled_licence_and_the_measure(make_env):
    env = make_env(P, now="2024-06-30")
    _, _, licence = holder(env, "C1", reason=None)
    assert record(env, licence, "OVERDUE_RENEWAL")["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    env.clock.set("2024-07-01")
    _, _, normal = holder(env, "C1", status=LicenceStatus.NORMAL, valid_until=dt.date(2030, 1, 1))
    assert record(env, normal, "OVERDUE_RENEWAL")["errors"][0]["code"] == (
        "REAPPLY_LICENCE_NOT_CANCELLED"
    )


def test_restoration_records_the_status_change(make_env):
    from sqlmodel import select

    from core.registries.licences import LicenceStatusChange

    from .helpers import result

    env = make_env(P, now="2024-08-01")
    _, account, licence = holder(env, "C1")
    reg = register(env, licence, "C1", account)["plan"]["registrationId"]
    result(env, reg, "SUBJECT1")
    assert result(env, reg, "SUBJECT3_ROAD")["plan"]["status"] == "RESTORED"
    with env.session() as s:
        row = s.get(DrivingLicence, licence.id)
        assert row.status == "NORMAL" and row.cancellation_reason is None
        last = s.exec(
            select(LicenceStatusChange)
            .where(LicenceStatusChange.licence_id == licence.id)
            .order_by(LicenceStatusChange.id.desc())
        ).first()
        assert (last.from_status, last.to_status) == ("CANCELLED", "NORMAL")
