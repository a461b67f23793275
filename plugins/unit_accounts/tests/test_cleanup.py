"""The clean-up of legacy unit accounts (八-一) and conversion (八-二) on crafted data sets,
through the GraphQL API (admin run, clerk export) and the scheduled job."""

from __future__ import annotations

from sqlmodel import select

from core.accounts import UnitMember
from core.audit import AuditEvent
from core.testing_answers import top_code

from .. import demo
from ..models import LegacyUnitAccount
from .helpers import (
    CLEANUP_RUN,
    EXPORT,
    PLUGINS,
    REPORT,
    at,
    citizen,
    cleanup_world,
    errors,
    legacy,
    legacy_status,
    unit,
)


def test_before_2024_07_01_accounts_are_only_flagged_and_exported(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    w = cleanup_world(env)
    body = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    assert errors(body, "unitAccountCleanupRun") == []
    run = body["data"]["unitAccountCleanupRun"]["run"]
    assert run["mode"] == "FLAG" and run["converted"] == 0
    assert (run["duplicateId"], run["unitOver10"], run["personOver3"]) == (1, 1, 1)
    status = legacy_status(env)
    assert status[w["dup"]] == ("FLAGGED", "DUPLICATE_ID")
    # 11 distinct identities: the oldest (zhang, 2019) goes, although he is the legal person
    assert status[w["zhang"]] == ("FLAGGED", "UNIT_OVER_10")
    assert status[w["busy"][0]] == ("FLAGGED", "PERSON_OVER_3")  # oldest of 4 units
    assert all(status[i] == ("PENDING", None) for i in w["people"] + w["busy"][1:])
    with env.session() as s:
        assert len(s.exec(select(UnitMember)).all()) == 2  # nothing converted yet
    export = env.data(EXPORT, {"city": "320100"}, as_="clerk")["unitAccountCleanupExport"]
    assert export["rowCount"] == 3
    lines = export["csv"].strip().split("\n")
    assert lines[0].startswith("单位名称,统一社会信用代码,姓名,身份证明号码")
    assert len(lines) == 4 and all("待停用" in line for line in lines[1:])
    assert env.refs["zhang"].id_number not in export["csv"]  # masked
    assert "同一单位仅保留最新10个账号" in export["csv"]
    with env.session() as s:
        read = s.exec(
            select(AuditEvent).where(AuditEvent.action == "unit_accounts.cleanup_export")
        ).one()
        assert read.detail["rows"] == 3


def test_from_2024_07_01_non_compliant_are_disabled_and_the_rest_converted(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    w = cleanup_world(env)
    body = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    run = body["data"]["unitAccountCleanupRun"]["run"]
    assert run["mode"] == "DISABLE" and run["converted"] == 13
    status = legacy_status(env)
    assert status[w["dup"]] == ("DISABLED", "DUPLICATE_ID")
    assert status[w["zhang"]] == ("DISABLED", "UNIT_OVER_10")
    assert status[w["busy"][0]] == ("DISABLED", "PERSON_OVER_3")
    assert all(status[i] == ("CONVERTED", None) for i in w["people"] + w["busy"][1:])
    with env.session() as s:
        members = {m.id: m for m in s.exec(select(UnitMember)).all()}
        for legacy_id in w["people"]:
            assert members[legacy_id].role == "USER"
            assert members[legacy_id].can_replace_plates is True  # 八-三: converted accounts
        assert members[env.refs["unit_legal"].id].status == "ACTIVE"  # window LP untouched
    export = env.data(EXPORT, {"city": "320100"}, as_="clerk")["unitAccountCleanupExport"]
    assert export["rowCount"] == 3 and "已停用" in export["csv"]
    again = env.data(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    assert again["unitAccountCleanupRun"]["run"]["changed"] == 0  # idempotent


def test_legal_person_account_is_excepted_and_converted_as_legal_person(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    boss = citizen(env, "老板")[0]
    units = [unit(env, f"集团{i}") for i in range(5)]
    with env.session() as s:
        from ..models import UnitFile

        s.add(UnitFile(unit_id=units[0].id, legal_person_id=boss.id, recorded_at=at("2024-07-01")))
        s.commit()
    ids = legacy(env, [(u, boss, at(f"2022-0{i + 1}-01")) for i, u in enumerate(units)])
    env.data(CLEANUP_RUN, {}, as_="national_admin")
    status = legacy_status(env)
    assert status[ids[0]] == ("CONVERTED", None)  # oldest, but the legal-person account
    assert status[ids[1]] == ("DISABLED", "PERSON_OVER_3")
    assert [status[i][0] for i in ids[2:]] == ["CONVERTED"] * 3
    with env.session() as s:
        assert s.get(UnitMember, ids[0]).role == "LEGAL_PERSON"
        assert s.get(UnitMember, ids[2]).role == "USER"


def test_exactly_3_units_and_exactly_10_accounts_stay(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    person = citizen(env, "三家")[0]
    three = legacy(env, [(unit(env, f"三{i}"), person, at(f"2022-0{i + 1}-01")) for i in range(3)])
    u = unit(env, "十人公司")
    ten = legacy(
        env, [(u, citizen(env, f"十{i}")[0], at(f"2023-01-{i + 1:02d}")) for i in range(10)]
    )
    env.data(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    status = legacy_status(env)
    assert all(status[i] == ("CONVERTED", None) for i in three + ten)


def test_run_refusals(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    w = cleanup_world(env)
    gd = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin_gd")
    assert errors(gd, "unitAccountCleanupRun")[0]["code"] == "OUT_OF_JURISDICTION"
    assert top_code(env.gql(CLEANUP_RUN, {"province": "320000"}, as_="clerk")) == "FORBIDDEN"
    assert (
        top_code(env.gql(CLEANUP_RUN, {"province": "320000"}, as_="zhang_account")) == "FORBIDDEN"
    )
    bad = env.gql(CLEANUP_RUN, {"province": "99"}, as_="national_admin")
    assert errors(bad, "unitAccountCleanupRun")[0]["code"] == "UNKNOWN_CITY"
    assert all(s == ("PENDING", None) for s in legacy_status(env).values())
    assert w


def test_not_in_force_changes_nothing(make_env):
    env = make_env(PLUGINS, now="2024-05-31")
    cleanup_world(env)
    body = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    err = errors(body, "unitAccountCleanupRun")[0]
    assert err["code"] == "FEATURE_NOT_ENABLED" and err["measure"] == "unit_accounts"
    assert top_code(env.gql(EXPORT, {"city": "320100"}, as_="clerk")) == "FEATURE_NOT_ENABLED"
    assert all(s == ("PENDING", None) for s in legacy_status(env).values())
    env.clock.set("2024-06-01")  # the rollout's first day: flagging starts
    assert (
        errors(
            env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin"),
            "unitAccountCleanupRun",
        )
        == []
    )
    assert {s[0] for s in legacy_status(env).values()} == {"PENDING", "FLAGGED"}


def test_cities_where_the_measure_is_off_are_left_alone(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    env.set_rollout("unit_accounts", "320100", enabled=False)
    w = cleanup_world(env)
    su = unit(env, "苏州公司", "320500")
    su_ids = legacy(env, [(su, w["busy_person"], at("2024-01-01"))])
    env.data(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    status = legacy_status(env)
    assert status[su_ids[0]] == ("CONVERTED", None)
    assert all(status[i] == ("PENDING", None) for i in w["people"] + w["busy"])


def test_export_refusals_and_malformed_city(make_env):
    env = make_env(PLUGINS, now="2024-06-15")
    assert top_code(env.gql(EXPORT, {"city": "320100"}, as_="clerk_sh")) == "OUT_OF_JURISDICTION"
    assert top_code(env.gql(EXPORT, {"city": "320100"}, as_="zhang_account")) == "FORBIDDEN"
    assert top_code(env.gql(EXPORT, {"city": "ABC"}, as_="clerk")) == "UNKNOWN_CITY"
    assert (
        env.data(EXPORT, {"city": "320500"}, as_="province_admin")["unitAccountCleanupExport"][
            "rowCount"
        ]
        == 0
    )
    assert (
        top_code(env.gql(EXPORT, {"city": "320100"}, as_="province_admin_gd"))
        == "OUT_OF_JURISDICTION"
    )


def test_scheduled_job_and_demo_data(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    with env.session() as s:
        world = env.world
        world.factory = env.factory(s)
        world.refs = dict(env.refs)
        demo.load(s, world)
        s.commit()
    job = env.platform.jobs["unit_accounts_cleanup"]
    summary = job.run(env.platform, env.clock.now())
    assert (
        summary["mode"] == "DISABLE" and summary["DUPLICATE_ID"] == 1 and summary["converted"] == 3
    )
    with env.session() as s:
        rows = s.exec(select(LegacyUnitAccount)).all()
        assert sorted(r.status for r in rows) == ["CONVERTED", "CONVERTED", "CONVERTED", "DISABLED"]
        event = s.exec(
            select(AuditEvent).where(AuditEvent.action == "unit_accounts.cleanup_job")
        ).one()
        assert event.actor_kind == "SYSTEM"


def test_report_counts_outcomes_in_the_period(make_env):
    env = make_env(PLUGINS, now="2024-07-01")
    cleanup_world(env)
    env.data(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    body = env.data(
        REPORT, {"city": "320100", "start": "2024-07-01", "end": "2024-07-31"}, as_="supervisor"
    )["report"]
    got = dict(zip(body["columns"], body["rows"][0]["values"], strict=True))
    assert (got["disabled"], got["converted"], got["UNIT_OVER_10"]) == ("3", "13", "1")
    before = env.data(
        REPORT, {"city": "320100", "start": "2024-06-01", "end": "2024-06-30"}, as_="supervisor"
    )["report"]
    assert set(before["rows"][0]["values"]) == {"0"}
