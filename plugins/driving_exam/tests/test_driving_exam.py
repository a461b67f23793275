"""M03 through the GraphQL API: roles, jurisdiction, rollout, input, and every date boundary."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.testing_db import audit_events, row_count, write_setting
from core.web.report_labels import translate, untranslated

from ..models import ExamBooking, ExamPermit, ExamTransfer
from .helpers import (
    BOOK,
    CHECK,
    ISSUE,
    ITEMS,
    MINE,
    MINE_OLD,
    MOVE,
    PERMIT,
    REPORT,
    SET_INTERVAL,
    P,
    book,
    issue,
    learner,
    move,
    new_permit,
)

# --- Subject 2 items (2021-三-一) -----------------------------------------------------------------


def test_subject2_items_change_on_2021_06_01_for_c2_and_c5(make_env):
    env = make_env(P, now="2021-06-01")
    for cls in ("C2", "C5"):
        before = env.data(ITEMS, {"c": "320100", "k": cls, "d": "2021-05-31"}, as_="zhang_account")
        on = env.data(ITEMS, {"c": "320100", "k": cls, "d": "2021-06-01"}, as_="zhang_account")
        assert len(before["drivingExamSubject2Items"]["items"]) == 5
        assert on["drivingExamSubject2Items"]["items"] == [
            "倒车入库",
            "侧方停车",
            "曲线行驶",
            "直角转弯",
        ]
        assert "2021-三-一" in on["drivingExamSubject2Items"]["rule"]
    c1 = env.data(ITEMS, {"c": "320100", "k": "C1", "d": "2022-01-01"}, as_="clerk")
    assert "坡道定点停车和起步" in c1["drivingExamSubject2Items"]["items"]


def test_subject2_items_bad_input_is_typed(make_env):
    env = make_env(P, now="2021-06-01")
    for variables, code in [
        ({"c": "320100", "k": "Z9", "d": "2021-06-01"}, "INVALID_INPUT"),
        ({"c": "320100", "k": "B2", "d": "2021-06-01"}, "EXAM_SUBJECT2_ITEMS_NOT_COVERED"),
        ({"c": "999999", "k": "C2", "d": "2021-06-01"}, "UNKNOWN_CITY"),
        ({"c": "320100", "k": "C2", "d": "1800-01-01"}, "INVALID_DATE"),
    ]:
        body = env.gql(ITEMS, variables, as_="zhang_account")
        assert body["errors"][0]["extensions"]["code"] == code, body
    body = env.gql(ITEMS, {"c": "320100", "k": "C2", "d": "2021-13-01"}, as_="zhang_account")
    assert body["errors"]  # malformed date: GraphQL error, HTTP 200


def test_not_in_force_before_2021_06_01(make_env):
    env = make_env(P, now="2021-05-31")
    body = env.gql(ITEMS, {"c": "320100", "k": "C2", "d": "2021-06-01"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"
    person, _ = learner(env)
    out = issue(env, person.id_number, "C2", "2021-05-01")
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED" and out["permit"] is None
    assert row_count(env, ExamPermit) == 0


# --- permits -------------------------------------------------------------------------------------


def test_permit_roles_and_input(make_env):
    env = make_env(P, now="2021-06-01")
    person, account = learner(env)
    body = env.gql(
        ISSUE,
        {"i": {"idNumber": person.id_number, "licenceClass": "C2", "issuedOn": "2021-05-20"}},
        as_=account,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (
        issue(env, "110101199001011234", "C2", "2021-05-20")["errors"][0]["code"]
        == "INVALID_ID_NUMBER"
    )
    assert issue(env, person.id_number, "X7", "2021-05-20")["errors"][0]["field"] == "licenceClass"
    assert issue(env, person.id_number, "C2", "2021-06-02")["errors"][0]["code"] == "INVALID_DATE"
    long_school = issue(env, person.id_number, "C2", "2021-05-20", school="驾" * 41)
    assert long_school["errors"][0]["code"] == "TOO_LONG"
    first_a1 = issue(env, person.id_number, "A1", "2021-05-20")["errors"][0]
    assert first_a1["code"] == "EXAM_FIRST_APPLICATION_CLASS_NOT_ALLOWED"
    zhang = env.refs["zhang"]
    assert (
        issue(env, zhang.id_number, "C1", "2021-05-20")["errors"][0]["code"]
        == "EXAM_CLASS_ALREADY_HELD"
    )
    assert row_count(env, ExamPermit) == 0
    added = issue(env, zhang.id_number, "A1", "2021-05-20")
    assert added["errors"] == [] and added["permit"]["kind"] == "ADD"


def test_permit_id_type_is_an_enum(make_env):
    env = make_env(P, now="2021-06-01")
    person, _ = learner(env)
    given = {"idNumber": person.id_number, "licenceClass": "C2", "issuedOn": "2021-05-20"}
    # an unknown document type is not an IdType: the request is malformed (top level), no write
    unknown = env.gql(ISSUE, {"i": {**given, "idType": "ALIEN"}}, as_="clerk")
    assert (
        unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and unknown["data"] is None
    )
    assert row_count(env, ExamPermit) == 0
    out = env.data(ISSUE, {"i": {**given, "idType": "MAINLAND_ID"}}, as_="clerk")
    assert out["drivingExamPermitIssue"]["permit"]["kind"] == "FIRST"


def test_permit_reads_own_jurisdiction_and_audit(make_env):
    env = make_env(P, now="2021-06-10")
    permit, account = new_permit(env)
    assert (
        env.data(PERMIT, {"p": permit["id"]}, as_=account)["drivingExamPermit"]["examCity"]
        == "320100"
    )
    assert (
        env.data(PERMIT, {"p": permit["id"]}, as_="clerk")["drivingExamPermit"]["id"]
        == permit["id"]
    )
    other = env.gql(PERMIT, {"p": permit["id"]}, as_="zhang_account")
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    far = env.gql(PERMIT, {"p": permit["id"]}, as_="clerk_sh")
    assert far["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"

    reads = audit_events(env, "driving_exam.permit_read")
    assert len(reads) == 1 and permit["id"] in reads[0].subject_ref


# --- Subject 3 booking interval (2021-三-二) -------------------------------------------------------


def _boundary(make_env, cls, kind_zhang, issued, earliest, rule_part):
    env = make_env(P, now=earliest)
    if kind_zhang:
        out = issue(env, env.refs["zhang"].id_number, cls, issued)
        permit, account = out["permit"], env.refs["zhang_account"]
    else:
        permit, account = new_permit(env, cls, issued)
    assert permit["earliestSubject3Booking"] == earliest
    assert rule_part in permit["earliestRule"]
    day_before = (dt.date.fromisoformat(earliest) - dt.timedelta(days=1)).isoformat()
    env.clock.set(dt.datetime.fromisoformat(day_before + "T09:00:00+08:00"))
    refused = book(env, permit["id"], account)
    assert refused["errors"][0]["code"] == "EXAM_BOOKING_TOO_EARLY"
    assert rule_part in refused["errors"][0]["rule"]
    assert row_count(env, ExamBooking) == 0
    env.clock.set(dt.datetime.fromisoformat(earliest + "T09:00:00+08:00"))
    ok = book(env, permit["id"], account)
    assert ok["errors"] == [] and issued in ok["booking"]["explanation"]
    return ok


def test_c2_twenty_days(make_env):
    ok = _boundary(make_env, "C2", False, "2021-06-05", "2021-06-25", "三-二-1")
    assert "20 days after permit of 2021-06-05" in ok["booking"]["explanation"]


def test_c5_twenty_days(make_env):
    _boundary(make_env, "C5", False, "2021-07-01", "2021-07-21", "三-二-1")


def test_c1_thirty_days_unchanged(make_env):
    ok = _boundary(make_env, "C1", False, "2021-06-05", "2021-07-05", "三-二")
    assert "C1, 30 days after permit of 2021-06-05" in ok["booking"]["explanation"]


def test_adding_large_class_thirty_days(make_env):
    _boundary(make_env, "B1", True, "2021-06-05", "2021-07-05", "三-二-2")


def test_first_large_truck_forty_days(make_env):
    _boundary(make_env, "B2", False, "2021-06-05", "2021-07-15", "三-二-3")


def test_first_city_bus_forty_days(make_env):
    _boundary(make_env, "A3", False, "2021-06-05", "2021-07-15", "三-二-3")


def test_rule_of_the_booking_date_decides_across_the_cutover(make_env):
    env = make_env(P, now="2021-06-01")
    permit, account = new_permit(env, "C2", "2021-05-10")
    # old rule (30 d) on 2021-05-31 -> earliest 06-09: refused; new rule (20 d) on 06-01: allowed
    before = env.data(CHECK, {"p": permit["id"], "d": "2021-05-31"}, as_=account)[
        "drivingExamSubject3Check"
    ]
    on = env.data(CHECK, {"p": permit["id"], "d": "2021-06-01"}, as_=account)[
        "drivingExamSubject3Check"
    ]
    assert before["allowed"] is False and "old rule" in before["explanation"]
    assert on["allowed"] is True and "new rule" in on["explanation"]
    assert permit["earliestSubject3Booking"] == "2021-06-01"
    assert book(env, permit["id"], account)["errors"] == []
    # a permit old enough for the old rule: 2021-05-01 + 30 = 05-31
    permit2, account2 = new_permit(env, "C2", "2021-05-01")
    assert permit2["earliestSubject3Booking"] == "2021-05-31"
    d30 = env.data(CHECK, {"p": permit2["id"], "d": "2021-05-30"}, as_=account2)[
        "drivingExamSubject3Check"
    ]
    d31 = env.data(CHECK, {"p": permit2["id"], "d": "2021-05-31"}, as_=account2)[
        "drivingExamSubject3Check"
    ]
    assert (d30["allowed"], d31["allowed"]) == (False, True)


def test_adding_large_class_across_the_cutover(make_env):
    env = make_env(P, now="2021-06-01")
    permit = issue(env, env.refs["zhang"].id_number, "A2", "2021-04-15")["permit"]
    z = env.refs["zhang_account"]
    # old: 40 d -> 05-25 (before the cutover) is the earliest
    assert permit["earliestSubject3Booking"] == "2021-05-25"
    assert (
        env.data(CHECK, {"p": permit["id"], "d": "2021-05-24"}, as_=z)["drivingExamSubject3Check"][
            "allowed"
        ]
        is False
    )
    assert (
        env.data(CHECK, {"p": permit["id"], "d": "2021-05-25"}, as_=z)["drivingExamSubject3Check"][
            "allowed"
        ]
        is True
    )


def test_booking_guards(make_env):
    env = make_env(P, now="2021-07-01")
    permit, account = new_permit(env, "C2", "2021-06-01")
    assert (
        book(env, permit["id"], account, exam="2021-06-30")["errors"][0]["code"]
        == "EXAM_DATE_IN_PAST"
    )
    assert book(env, permit["id"], account, subject=4)["errors"][0]["code"] == "INVALID_INPUT"
    assert book(env, permit["id"], env.refs["zhang_account"])["errors"][0]["code"] == "NOT_FOUND"
    late = book(env, permit["id"], account, exam="2024-06-01")["errors"][0]
    assert late["code"] == "EXAM_PERMIT_EXPIRED" and late["field"] == "examDate"
    last = book(env, permit["id"], account, exam="2024-05-31")
    assert last["errors"] == []
    s2 = book(env, permit["id"], account, subject=2, exam="2021-07-02")
    assert "倒车入库、侧方停车、曲线行驶、直角转弯" in s2["booking"]["explanation"]
    body = env.gql(
        BOOK, {"i": {"permitId": permit["id"], "subject": 3, "examDate": "nope"}}, as_=account
    )
    assert body["errors"] and body.get("data") is None
    assert row_count(env, ExamBooking) == 2


def test_booking_refused_where_not_in_force(make_env):
    env = make_env(P, now="2021-07-01")
    permit, account = new_permit(env, "C2", "2021-06-01")
    env.set_rollout("driving_exam", "320100", enabled=False, valid_from=dt.date(2021, 6, 30))
    out = book(env, permit["id"], account)
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED" and row_count(env, ExamBooking) == 0


# --- split exams (2021-三-三) ----------------------------------------------------------------------


def test_three_location_changes_from_2021_06_01(make_env):
    env = make_env(P, now="2021-06-01")
    permit, account = new_permit(env, "C1", "2021-05-01")
    for n, city in enumerate(["320500", "310100", "110100"], start=1):
        out = move(env, permit["id"], account, city)
        assert out["errors"] == [] and out["sequence"] == n
    fourth = move(env, permit["id"], account, "320100")
    assert fourth["errors"][0]["code"] == "EXAM_LOCATION_CHANGES_EXHAUSTED"
    assert "2021-三-三" in fourth["errors"][0]["rule"]
    assert row_count(env, ExamTransfer) == 3


def test_one_location_change_before_2021_06_01(make_env):
    env = make_env(P, now="2021-05-31")
    for city in ("320100", "320500", "310100"):
        env.set_rollout("driving_exam", city, valid_from=dt.date(2021, 1, 1))
    permit, account = new_permit(env, "C2", "2021-05-01")
    assert permit["maxLocationChanges"] == 1
    assert move(env, permit["id"], account, "320500")["errors"] == []
    second = move(env, permit["id"], account, "310100")
    assert second["errors"][0]["code"] == "EXAM_LOCATION_CHANGES_EXHAUSTED"
    env.clock.set("2021-06-01")
    assert move(env, permit["id"], account, "310100")["errors"] == []


def test_location_change_guards(make_env):
    env = make_env(P, now="2021-06-10")
    permit, account = new_permit(env, "C1")
    assert move(env, permit["id"], account, "999999")["errors"][0]["code"] == "UNKNOWN_CITY"
    assert move(env, permit["id"], account, "1" * 50)["errors"][0]["code"] == "UNKNOWN_CITY"
    assert move(env, permit["id"], account, "320100")["errors"][0]["code"] == "EXAM_SAME_LOCATION"
    assert (
        move(env, permit["id"], env.refs["li_account"], "320500")["errors"][0]["code"]
        == "NOT_FOUND"
    )
    truck, acc2 = new_permit(env, "B2")
    assert move(env, truck["id"], acc2, "320500")["errors"][0]["code"] == "EXAM_SPLIT_NOT_ALLOWED"
    body = env.gql(MOVE, {"i": {"permitId": permit["id"], "toCity": "320500"}}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert row_count(env, ExamTransfer) == 0


# --- anomaly report ------------------------------------------------------------------------------


def test_transfer_anomaly_report(make_env):
    env = make_env(P, now="2021-06-01")
    for i in range(10):
        env.clock.set(f"2021-06-{1 + i // 2:02d}")
        permit, account = new_permit(env, "C2", "2021-05-01", school="批量驾校")
        assert move(env, permit["id"], account, "320500")["errors"] == []
    rows = env.data(
        REPORT, {"c": "320500", "s": "2021-06-01", "e": "2021-06-30"}, as_="province_admin"
    )["report"]["rows"]
    labels = {r["label"] for r in rows}
    assert "school:批量驾校" in labels and "origin:320100" in labels
    # the province console shows the row labels and kinds in Chinese (the detail stays prose)
    console = env.http.get("/console/labels.json").json()
    kinds = [r["values"][0] for r in rows]
    assert untranslated(console, "driving_exam_transfer_anomalies", [*labels, *kinds]) == set()
    assert (
        translate(console, "driving_exam_transfer_anomalies", "school:批量驾校") == "驾校:批量驾校"
    )
    # nine in a window is below the default threshold of ten
    rows = env.data(
        REPORT, {"c": "320500", "s": "2021-06-02", "e": "2021-06-30"}, as_="province_admin"
    )["report"]["rows"]
    assert "school:批量驾校" not in {r["label"] for r in rows}
    body = env.gql(
        REPORT, {"c": "320500", "s": "2021-06-01", "e": "2021-06-30"}, as_="zhang_account"
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_unchanged_class_interval_is_a_setting(make_env):
    from core.rollout import MeasureSetting

    env = make_env(P, now="2021-07-01")
    write_setting(env, "driving_exam", "320100", "other_class_interval_days", 25)
    permit, account = new_permit(env, "C1", "2021-06-05")
    assert permit["earliestSubject3Booking"] == "2021-06-30"
    c2, _ = new_permit(env, "C2", "2021-06-05")
    assert c2["earliestSubject3Booking"] == "2021-06-25"  # the seed's 20 days are not configurable
    # a value outside the declaration (days, 1..365) is refused and nothing is stored ...
    for bad in ("abc", 0, 366, 25.5, True, "25", [25], {"days": 25}):
        out = env.data(SET_INTERVAL, {"v": bad}, as_="province_admin")["measureSettingSet"]
        assert out["errors"] == [{"code": "INVALID_INPUT", "field": "value"}], bad
    assert new_permit(env, "C1", "2021-06-05")[0]["earliestSubject3Booking"] == "2021-06-30"
    # ... and one stored around the API is ignored when read: the default (30 days) applies
    with env.session() as s:
        row = s.exec(select(MeasureSetting)).one()
        row.value = {"value": "abc"}
        s.add(row)
        s.commit()
    env.platform.settings_store.reload()
    assert new_permit(env, "C1", "2021-06-05")[0]["earliestSubject3Booking"] == "2021-07-05"
    out = book(env, permit["id"], account)  # 2021-06-05 + 30 days: too early on 2021-07-01
    assert out["errors"][0]["code"] == "EXAM_BOOKING_TOO_EARLY" and row_count(env, ExamBooking) == 0


def test_my_permits(make_env):
    env = make_env(P, now="2021-07-01")
    permit, account = new_permit(env, "C2", "2021-06-05")
    mine = env.data(MINE, {"f": 10}, as_=account)["myDrivingExamPermits"]
    assert mine["totalCount"] == 1 and mine["nodes"][0]["id"] == permit["id"]
    assert env.data(MINE, {"f": 10}, as_="zhang_account")["myDrivingExamPermits"]["totalCount"] == 0
    assert (
        env.gql(MINE, {"f": 0}, as_=account)["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    )
    assert env.gql(MINE, {"f": 10}, as_="clerk")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the deprecated name answers the same until it is removed
    assert env.data(MINE_OLD, {"f": 10}, as_=account)["drivingExamMyPermits"] == mine
    assert (
        env.gql(MINE_OLD, {"f": 10}, as_="clerk")["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    )
