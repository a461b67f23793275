"""M19 oversight (issue 16 item 8, 七-一): each city declares its outlet data updated by 6月25日;
the province follows every city against that deadline and spot-checks sampled outlets, whose
wrong fields become corrections the city decides."""

from __future__ import annotations

from sqlmodel import select

from core.testing_db import row_count

from ..models import OutletCorrection, SpotCheck, SpotCheckItem, UpdateDeclaration
from .helpers import CORRECTIONS, DECIDE, JIANGNING, MAIN, PLUGINS, outlet_id

DECLARE = """mutation($c: String!) { preciseGuidanceUpdateDeclare(city: $c) {
  errors { code field rule } city status } }"""
PROGRESS = """query($p: String!) { preciseGuidanceUpdateProgress(province: $p) {
  city outlets outletsUpdatedThisRound deadline status pendingCorrections spotChecksCompleted
  outletsChecked outletsInaccurate } }"""
START = """mutation($c: String!, $n: Int! = 3, $ids: [ID!]) {
  preciseGuidanceSpotCheckStart(city: $c, sampleSize: $n, outletIds: $ids) {
  errors { code field rule } check { id status items { id outletId result } } } }"""
RECORD = """mutation($i: ID!, $ok: Boolean!, $f: [PreciseGuidanceSpotFindingInput!], $n: String) {
  preciseGuidanceSpotCheckRecord(itemId: $i, accurate: $ok, findings: $f, note: $n) {
  errors { code field rule } check { id status items { result findings correctionIds } } } }"""
CANCEL = """mutation($id: ID!, $r: String!) { preciseGuidanceSpotCheckCancel(checkId: $id, reason: $r) {
  errors { code field rule } check { status note } } }"""
CHECKS = """query($c: String!) { preciseGuidanceSpotChecks(city: $c) { totalCount nodes { status
  items { result } } } }"""


def _nanjing(env, as_="province_admin"):
    rows = env.data(PROGRESS, {"p": "320000"}, as_=as_)["preciseGuidanceUpdateProgress"]
    return next(r for r in rows if r["city"] == "320100")


def test_declared_on_the_deadline_is_on_time(make_env):
    env = make_env(PLUGINS, now="2024-06-10")
    outlet_id(env)
    outlet_id(env, JIANGNING)
    env.clock.set("2024-06-25")
    assert _nanjing(env)["status"] == "PENDING"
    clerk = env.gql(DECLARE, {"c": "320100"}, as_="clerk")
    assert clerk["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # the supervisor declares
    out = env.data(DECLARE, {"c": "320100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert out["errors"] == [] and out["status"] == "DONE_ON_TIME"
    row = _nanjing(env)
    assert row["status"] == "DONE_ON_TIME" and row["deadline"] == "2024-06-25"
    assert row["outlets"] == 2 and row["outletsUpdatedThisRound"] == 2
    again = env.data(DECLARE, {"c": "320100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert again["errors"][0]["code"] == "GUIDANCE_UPDATE_ALREADY_DECLARED"
    assert again["errors"][0]["rule"].startswith("M19 2024-七-一")


def test_after_the_deadline_a_city_is_overdue_then_late(make_env):
    env = make_env(PLUGINS, now="2024-06-10")
    none = env.data(DECLARE, {"c": "320100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert none["errors"][0]["code"] == "GUIDANCE_NO_OUTLETS"
    outlet_id(env)
    env.clock.set("2024-06-26")
    assert _nanjing(env)["status"] == "OVERDUE"
    assert _nanjing(env, as_="national_admin")["status"] == "OVERDUE"
    out = env.data(DECLARE, {"c": "320100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert out["status"] == "DONE_LATE"
    assert _nanjing(env)["status"] == "DONE_LATE"


def test_progress_is_the_province_admins_own(make_env):
    env = make_env(PLUGINS, now="2024-06-10")
    other = env.gql(PROGRESS, {"p": "320000"}, as_="province_admin_gd")
    assert other["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(PROGRESS, {"p": "320000"}, as_="supervisor")["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    far = env.data(DECLARE, {"c": "310100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert far["errors"][0]["code"] == "OUT_OF_JURISDICTION"


def test_before_the_preparation_window_nothing_is_declared(make_env):
    env = make_env(PLUGINS, now="2024-05-31")
    out = env.data(DECLARE, {"c": "320100"}, as_="supervisor")["preciseGuidanceUpdateDeclare"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, UpdateDeclaration) == 0


def test_spot_check_findings_become_corrections_and_complete_the_check(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    main, jn = outlet_id(env), outlet_id(env, JIANGNING)
    assert (
        env.gql(START, {"c": "320100"}, as_="supervisor")["errors"][0]["extensions"]["code"]
        == "FORBIDDEN"
    )
    gd = env.data(START, {"c": "320100"}, as_="province_admin_gd")["preciseGuidanceSpotCheckStart"]
    assert gd["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    started = env.data(START, {"c": "320100", "ids": [main, jn]}, as_="province_admin")
    check = started["preciseGuidanceSpotCheckStart"]["check"]
    assert check["status"] == "OPEN" and {i["outletId"] for i in check["items"]} == {main, jn}
    by_outlet = {i["outletId"]: i["id"] for i in check["items"]}
    both = env.data(RECORD, {"i": by_outlet[main], "ok": True, "f": [{"field": "HOURS", "proposed": "x"}]},
                    as_="province_admin")["preciseGuidanceSpotCheckRecord"]  # fmt: skip
    assert both["errors"][0]["field"] == "findings"
    same = env.data(RECORD, {"i": by_outlet[main], "ok": False,
                             "f": [{"field": "HOURS", "proposed": MAIN["hours"]}]},
                    as_="province_admin")["preciseGuidanceSpotCheckRecord"]  # fmt: skip
    assert same["errors"][0]["code"] == "GUIDANCE_CORRECTION_NO_CHANGE"
    wrong = env.data(RECORD, {"i": by_outlet[main], "ok": False,
                              "f": [{"field": "HOURS", "proposed": "周一至周六 8:30-17:30"}],
                              "n": "现场核对"}, as_="province_admin")["preciseGuidanceSpotCheckRecord"]  # fmt: skip
    assert wrong["errors"] == [] and wrong["check"]["status"] == "OPEN"
    twice = env.data(RECORD, {"i": by_outlet[main], "ok": True}, as_="province_admin")
    assert twice["preciseGuidanceSpotCheckRecord"]["errors"][0]["code"] == (
        "GUIDANCE_SPOT_ITEM_ALREADY_CHECKED"
    )
    done = env.data(RECORD, {"i": by_outlet[jn], "ok": True}, as_="province_admin")
    assert done["preciseGuidanceSpotCheckRecord"]["check"]["status"] == "COMPLETED"
    # the finding is a correction in the city's queue; the city accepts it
    pending = env.data(CORRECTIONS, {"c": "320100", "s": "PENDING"}, as_="clerk")
    (correction,) = pending["preciseGuidanceCorrections"]["nodes"]
    row = _nanjing(env)
    assert (row["spotChecksCompleted"], row["outletsChecked"], row["outletsInaccurate"]) == (
        1,
        2,
        1,
    )
    assert row["pendingCorrections"] == 1
    env.data(DECIDE, {"id": correction["id"], "ok": True}, as_="clerk")
    assert _nanjing(env)["pendingCorrections"] == 0
    closed = env.data(RECORD, {"i": by_outlet[jn], "ok": True}, as_="province_admin")
    assert (
        closed["preciseGuidanceSpotCheckRecord"]["errors"][0]["code"]
        == "GUIDANCE_SPOT_CHECK_CLOSED"
    )
    with env.session() as s:
        assert s.exec(select(OutletCorrection)).one().field == "HOURS"


def test_random_sample_and_cancel(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    for name in ("甲", "乙", "丙", "丁"):
        outlet_id(env, {**JIANGNING, "name": f"服务站{name}"})
    out = env.data(START, {"c": "320100", "n": 2}, as_="province_admin")[
        "preciseGuidanceSpotCheckStart"
    ]
    assert out["errors"] == [] and len(out["check"]["items"]) == 2
    too_many = env.data(START, {"c": "320100", "n": 21}, as_="province_admin")
    assert too_many["preciseGuidanceSpotCheckStart"]["errors"][0]["field"] == "sampleSize"
    empty_city = env.data(START, {"c": "320500"}, as_="province_admin")
    assert empty_city["preciseGuidanceSpotCheckStart"]["errors"][0]["code"] == "GUIDANCE_NO_OUTLETS"
    cid = out["check"]["id"]
    blank = env.data(CANCEL, {"id": cid, "r": " "}, as_="province_admin")
    assert blank["preciseGuidanceSpotCheckCancel"]["errors"][0]["field"] == "reason"
    cancelled = env.data(CANCEL, {"id": cid, "r": "网点调整，重新抽查"}, as_="province_admin")
    assert cancelled["preciseGuidanceSpotCheckCancel"]["check"] == {
        "status": "CANCELLED",
        "note": "网点调整，重新抽查",
    }
    again = env.data(CANCEL, {"id": cid, "r": "再次"}, as_="province_admin")
    assert (
        again["preciseGuidanceSpotCheckCancel"]["errors"][0]["code"] == "GUIDANCE_SPOT_CHECK_CLOSED"
    )
    listed = env.data(CHECKS, {"c": "320100"}, as_="national_admin")["preciseGuidanceSpotChecks"]
    assert listed["totalCount"] == 1 and listed["nodes"][0]["status"] == "CANCELLED"
    with env.session() as s:
        assert len(s.exec(select(SpotCheckItem)).all()) == 2
        assert s.exec(select(SpotCheck)).one().closed_at is not None


def test_spot_check_refused_where_the_measure_is_off(make_env):
    env = make_env(PLUGINS, now="2024-07-02")
    outlet_id(env)
    env.set_rollout("precise_guidance", "320100", enabled=False)
    out = env.data(START, {"c": "320100"}, as_="province_admin")["preciseGuidanceSpotCheckStart"]
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert row_count(env, SpotCheck) == 0


def _deadline_notices(env, template):
    from core.outbox import OutboxMessage

    with env.session() as s:
        rows = s.exec(select(OutboxMessage).where(OutboxMessage.template == template)).all()
    return sorted(m.account_id for m in rows)


def _run_deadline_job(env):
    job = env.platform.jobs["precise_guidance_update_deadline"]
    return job.run(env.platform, env.clock.now())


def test_the_deadline_job_reminds_then_reports_overdue_cities(make_env):
    env = make_env(PLUGINS, now="2024-06-19")
    supervisor, admin = env.refs["supervisor"].id, env.refs["province_admin"].id
    assert _run_deadline_job(env)["cities"] == 0  # before 6-20: nothing
    env.clock.set("2024-06-20")
    _run_deadline_job(env)
    _run_deadline_job(env)  # once per city and round
    assert _deadline_notices(env, "precise_guidance.update_due_soon") == [supervisor]
    env.clock.set("2024-06-26")
    _run_deadline_job(env)
    assert _deadline_notices(env, "precise_guidance.update_overdue") == [supervisor]
    gd = env.refs["province_admin_gd"].id
    assert _deadline_notices(env, "precise_guidance.update_overdue_cities") == sorted([admin, gd])
    mine = env.data("{ myNotices { nodes { template text } } }", as_="province_admin")
    (text,) = [n["text"] for n in mine["myNotices"]["nodes"]
               if n["template"] == "precise_guidance.update_overdue_cities"]  # fmt: skip
    assert "南京" in text and "2024-06-25" in text and "广州" not in text
    _run_deadline_job(env)  # once per round
    assert len(_deadline_notices(env, "precise_guidance.update_overdue_cities")) == 2


def test_a_declared_city_is_not_reminded(make_env):
    env = make_env(PLUGINS, now="2024-06-10")
    outlet_id(env)
    env.data(DECLARE, {"c": "320100"}, as_="supervisor")
    env.clock.set("2024-06-26")
    _run_deadline_job(env)
    assert _deadline_notices(env, "precise_guidance.update_overdue") == []
