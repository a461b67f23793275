"""M07 through the GraphQL API: registry check, suspicious queue, first-issue date, remarks."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.registries.applications import Application
from core.testing_db import row_count
from core.testing_race import outcome, race

from ..models import DrivingRecordRemark, MilitaryLicenceRecord
from .helpers import (
    EXCHANGE,
    QUEUE,
    RECORD,
    REMARK,
    REPORT,
    RESOLVE,
    SEQ,
    P,
    exchange,
    remark,
    resolve,
    veteran,
)


def test_exchange_passes_check_and_issues_licence(make_env):
    env = make_env(P, now="2021-10-15")
    person, _, number = veteran(
        env, classes="B2 C1", additions=[{"class": "B2", "date": "2014-05-01"}]
    )
    out = exchange(env, person, number, classes="C1 B2")
    assert out["errors"] == []
    ex = out["exchange"]
    assert ex["status"] == "COMPLETED" and ex["checkReasons"] == []
    lic = ex["licence"]
    assert lic["firstIssueDate"] == "2010-10-15"  # same month-day: year of the military licence
    assert (lic["validFrom"], lic["validUntil"]) == ("2021-10-15", "2027-10-15")
    assert "2010-10-15" in lic["remarks"][0] and "增驾 B2 2014-05-01" in lic["remarks"][0]
    assert any("七-四-2" in r for r in ex["rules"]) and any("七-五" in r for r in ex["rules"])
    with env.session() as s:
        assert s.exec(
            select(MilitaryLicenceRecord).where(MilitaryLicenceRecord.military_number == number)
        ).one().exchanged_on == dt.date(2021, 10, 15)


def test_first_issue_month_day_boundaries(make_env):
    env = make_env(P, now="2021-10-14")
    person, _, number = veteran(env)
    assert (
        exchange(env, person, number)["exchange"]["firstIssueDate"] == "2011-10-14"
    )  # military md after
    env2 = make_env(P, now="2021-10-16")
    person2, _, number2 = veteran(env2)
    assert exchange(env2, person2, number2)["exchange"]["firstIssueDate"] == "2010-10-16"


def test_min_age_boundaries(make_env):
    env = make_env(P, now="2021-07-01")
    # military licence one day before the 18th birthday: the birthday is the first issue date
    young, _, n1 = veteran(env, birth=dt.date(1995, 3, 1), first=dt.date(2013, 2, 28))
    out = exchange(env, young, n1, first="2013-02-28")["exchange"]
    assert out["firstIssueDate"] == "2013-03-01" and any("七-四-1" in r for r in out["rules"])
    # on the 18th birthday itself: the year rule
    of_age, _, n2 = veteran(env, birth=dt.date(1995, 3, 1), first=dt.date(2013, 3, 1))
    assert (
        exchange(env, of_age, n2, first="2013-03-01")["exchange"]["firstIssueDate"] == "2013-07-01"
    )
    # a B2 licence at 19 waits for 20
    truck, _, n3 = veteran(env, birth=dt.date(1995, 3, 1), first=dt.date(2014, 6, 1), classes="B2")
    assert (
        exchange(env, truck, n3, classes="B2", first="2014-06-01")["exchange"]["firstIssueDate"]
        == "2015-03-01"
    )


def test_under_min_age_on_exchange_day_is_refused(make_env):
    env = make_env(P, now="2021-07-01")
    person, _, number = veteran(
        env, birth=dt.date(2002, 3, 1), first=dt.date(2020, 1, 1), classes="B2"
    )
    out = exchange(env, person, number, classes="B2", first="2020-01-01")
    assert out["errors"][0]["code"] == "VETERAN_UNDER_MIN_AGE"
    assert row_count(env, Application) == 0


def test_failed_checks_go_to_the_suspicious_queue(make_env):
    env = make_env(P, now="2021-07-01")
    unknown, _, number = veteran(env, record=False)
    out = exchange(env, unknown, number)["exchange"]
    assert (
        out["status"] == "UNDER_REVIEW"
        and out["checkReasons"] == ["NOT_FOUND_IN_REGISTRY"]
        and out["licence"] is None
    )
    wrong, _, n2 = veteran(env)
    assert exchange(env, wrong, n2, classes="B2")["exchange"]["checkReasons"] == [
        "CLASSES_MISMATCH"
    ]
    date_off, _, n3 = veteran(env)
    assert exchange(env, date_off, n3, first="2010-10-16")["exchange"]["checkReasons"] == [
        "FIRST_DATE_MISMATCH"
    ]
    env.platform.adapters["military_licence_registry"].down = True
    down, _, n4 = veteran(env)
    assert exchange(env, down, n4)["exchange"]["checkReasons"] == ["REGISTRY_UNAVAILABLE"]
    env.platform.adapters["military_licence_registry"].down = False
    queue = env.data(QUEUE, as_="supervisor")["veteranLicenceSuspiciousQueue"]
    assert queue["totalCount"] == 4
    assert env.data(QUEUE, as_="clerk_sh")["veteranLicenceSuspiciousQueue"]["totalCount"] == 0
    body = env.gql(QUEUE, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    app_id = out["applicationId"]
    far = env.data(
        RESOLVE, {"i": {"applicationId": app_id, "approve": True, "note": "核实"}}, as_="clerk_sh"
    )
    assert far["veteranLicenceSuspiciousResolve"]["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    blank = env.data(
        RESOLVE, {"i": {"applicationId": app_id, "approve": True, "note": " "}}, as_="supervisor"
    )
    assert blank["veteranLicenceSuspiciousResolve"]["errors"][0]["field"] == "note"
    ok = env.data(
        RESOLVE,
        {"i": {"applicationId": app_id, "approve": True, "note": "部队来函核实"}},
        as_="supervisor",
    )
    res = ok["veteranLicenceSuspiciousResolve"]
    assert (
        res["errors"] == []
        and res["exchange"]["status"] == "COMPLETED"
        and res["exchange"]["firstIssueDate"] == "2011-07-01"
    )
    again = env.data(
        RESOLVE, {"i": {"applicationId": app_id, "approve": False, "note": "x"}}, as_="supervisor"
    )
    assert (
        again["veteranLicenceSuspiciousResolve"]["errors"][0]["code"]
        == "VETERAN_NOT_IN_SUSPICIOUS_QUEUE"
    )
    rejected = env.data(
        RESOLVE,
        {
            "i": {
                "applicationId": next(
                    n["applicationId"] for n in queue["nodes"] if n["applicationId"] != app_id
                ),
                "approve": False,
                "note": "不符",
            }
        },
        as_="clerk",
    )
    assert rejected["veteranLicenceSuspiciousResolve"]["exchange"]["status"] == "REJECTED"


def test_roles_rollout_and_input(make_env):
    env = make_env(P, now="2021-05-31")
    person, account, number = veteran(env)
    assert exchange(env, person, number)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, Application) == 0
    env.clock.set("2021-06-01")
    body = env.gql(
        EXCHANGE,
        {
            "i": {
                "idNumber": person.id_number,
                "militaryNumber": number,
                "classes": "C1",
                "militaryFirstIssueDate": "2010-10-15",
            }
        },
        as_=account,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert exchange(env, person, "1")["errors"][0]["code"] == "INVALID_INPUT"
    assert exchange(env, person, "J" * 30)["errors"][0]["code"] == "INVALID_INPUT"
    bad_id = env.data(
        EXCHANGE,
        {
            "i": {
                "idNumber": "32010219900801123X",
                "militaryNumber": number,
                "classes": "C1",
                "militaryFirstIssueDate": "2010-10-15",
            }
        },
        as_="clerk",
    )
    assert bad_id["veteranLicenceExchange"]["errors"][0]["code"] in (
        "INVALID_ID_NUMBER",
        "NOT_FOUND",
    )
    assert exchange(env, person, number, first="1900-01-01")["errors"][0]["code"] == "INVALID_DATE"
    assert exchange(env, person, number, first="2030-01-01")["errors"][0]["code"] == "INVALID_DATE"
    assert exchange(env, person, number, classes="Q9")["errors"][0]["code"] == "INVALID_INPUT"
    assert row_count(env, Application) == 0
    assert (
        exchange(env, env.refs["zhang"], number)["errors"][0]["code"] == "VETERAN_ALREADY_LICENSED"
    )


# --- driving-record remark for exchanges by 2021-05-31 (七-三-2) -----------------------------------


def test_record_remark_cutoff_boundary(make_env):
    env = make_env(P, now="2021-07-01")
    _, on_cutoff, n1 = veteran(env, civil=True, exchanged=dt.date(2021, 5, 31), issued=dt.date(2016, 3, 1),
                               classes="B2 C1", additions=[{"class": "B2", "date": "2012-04-01"}])  # fmt: skip
    out = remark(env, on_cutoff, n1)
    assert out["errors"] == []
    assert (
        "增驾 B2 2016-03-01" in out["remark"]["text"]
    )  # addition before the new licence: its issue date
    assert remark(env, on_cutoff, n1)["errors"][0]["code"] == "VETERAN_ALREADY_REMARKED"
    record = env.data(RECORD, as_=on_cutoff)["myVeteranLicenceDrivingRecord"]
    assert record[0]["militaryNumber"] == n1
    old = RECORD.replace("myVeteranLicenceDrivingRecord", "veteranLicenceDrivingRecord")
    assert env.data(old, as_=on_cutoff)["veteranLicenceDrivingRecord"] == record  # deprecated name
    _, late, n2 = veteran(env, civil=True, exchanged=dt.date(2021, 6, 1))
    late_out = remark(env, late, n2)
    assert (
        late_out["errors"][0]["code"] == "VETERAN_EXCHANGED_AFTER_2021_05_31"
        and "七-三-2" in late_out["errors"][0]["rule"]
    )
    assert row_count(env, DrivingRecordRemark) == 1
    # switched off in the city: no new remark, but one's own record still answers (rule 2)
    env.set_rollout("veteran_licence", "320100", enabled=False, valid_from=dt.date(2021, 6, 1))
    assert env.data(RECORD, as_=on_cutoff)["myVeteranLicenceDrivingRecord"] == record
    assert env.data(old, as_=on_cutoff)["veteranLicenceDrivingRecord"] == record


def test_record_remark_prefixes_and_checks(make_env):
    env = make_env(P, now="2021-07-01")
    _, acc, old_format = veteran(
        env, civil=True, exchanged=dt.date(2020, 1, 1), number="AB12345678"
    )
    assert remark(env, acc, old_format)["errors"][0]["code"] == "VETERAN_PREFIX_NOT_LISTED"
    for prefix in ("WZ", "QB", "SS"):
        _, acc_p, n = veteran(
            env, civil=True, exchanged=dt.date(2020, 1, 1), number=f"{prefix}{next(SEQ):08d}"
        )
        assert remark(env, acc_p, n)["errors"] == []
    _, no_record, n3 = veteran(env, civil=True, record=False)
    assert remark(env, no_record, n3)["errors"][0]["code"] == "VETERAN_NOT_VERIFIED"
    _, no_licence, n4 = veteran(env, exchanged=dt.date(2020, 1, 1))
    assert remark(env, no_licence, n4)["errors"][0]["code"] == "VETERAN_NO_CIVIL_LICENCE"
    _, owner, n5 = veteran(env, civil=True, exchanged=dt.date(2020, 1, 1))
    assert (
        remark(env, env.refs["zhang_account"], n5)["errors"][0]["code"] == "VETERAN_NOT_VERIFIED"
    )  # not theirs
    body = env.gql(REMARK, {"n": n5}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    env.set_rollout("veteran_licence", "320100", enabled=False, valid_from=dt.date(2021, 6, 1))
    assert remark(env, owner, n5)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, DrivingRecordRemark) == 3


def test_exchange_report(make_env):
    env = make_env(P, now="2021-07-01")
    ok, _, n1 = veteran(env)
    exchange(env, ok, n1)
    unknown, _, n2 = veteran(env, record=False)
    exchange(env, unknown, n2)
    rows = {
        r["label"]: r["values"][0] for r in env.data(REPORT, as_="supervisor")["report"]["rows"]
    }
    assert rows["status:COMPLETED"] == "1" and rows["status:UNDER_REVIEW"] == "1"
    assert rows["reason:NOT_FOUND_IN_REGISTRY"] == "1" and rows["total"] == "2"


def test_unknown_id_type_is_malformed_input(make_env):
    env = make_env(P, now="2021-07-01")
    person, _, number = veteran(env)
    given = {"idNumber": person.id_number, "militaryNumber": number, "classes": "C1",
             "militaryFirstIssueDate": "2010-10-15"}  # fmt: skip
    unknown = env.gql(EXCHANGE, {"i": {**given, "idType": "ALIEN"}}, as_="clerk")
    assert (
        unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT" and unknown["data"] is None
    )
    assert row_count(env, Application) == 0
    out = env.data(EXCHANGE, {"i": {**given, "idType": "MAINLAND_ID"}}, as_="clerk")
    assert out["veteranLicenceExchange"]["exchange"]["status"] == "COMPLETED"


def test_resolve_is_gated_by_rollout_and_decided_once(make_env):
    """The core review step (applications.start_review) gates the resolution and its conditional
    moves let only one of several heads acting at once decide."""
    from core.accounts import Role
    from core.registries.licences import DrivingLicence

    env = make_env(P, now="2021-07-01")
    unknown, _, number = veteran(env, record=False)
    app_id = exchange(env, unknown, number)["exchange"]["applicationId"]
    with env.session() as s:
        f = env.factory(s)
        heads = [f.staff(f"vet.head{i}", [Role.SUPERVISOR], "320100") for i in range(4)]
        s.commit()
    variables = {"i": {"applicationId": app_id, "approve": True, "note": "部队来函核实"}}
    answers = race(env, [(head, RESOLVE, variables) for head in heads])
    results = [outcome(a["data"]["veteranLicenceSuspiciousResolve"]) for a in answers]
    # losers lost the conditional UPDATE (CONFLICT), read the decided application, or read the
    # application before the winner committed and its licence after (READ COMMITTED on PostgreSQL)
    assert results.count("OK") == 1, results
    losses = {"CONFLICT", "VETERAN_NOT_IN_SUSPICIOUS_QUEUE", "VETERAN_ALREADY_LICENSED"}
    assert set(results) - {"OK"} <= losses, results
    with env.session() as s:
        licences = s.exec(select(DrivingLicence).where(DrivingLicence.person_id == unknown.id))
        assert len(licences.all()) == 1
        assert s.get(Application, app_id).status == "COMPLETED"
    other, _, number2 = veteran(env, record=False)
    waiting = exchange(env, other, number2)["exchange"]["applicationId"]
    env.set_rollout("veteran_licence", "320100", enabled=False, valid_from=dt.date(2021, 7, 1))
    off = resolve(env, waiting, "supervisor")
    assert off["errors"][0]["code"] == "FEATURE_NOT_ENABLED" and off["exchange"] is None
    with env.session() as s:
        assert s.get(Application, waiting).status == "UNDER_REVIEW"
