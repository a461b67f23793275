"""The units affected by the clean-up are told before their accounts are disabled (八-一 "各支队
要于6月20日前…主动联系告知相关单位"; issue 16 item 1), once, and again when they are disabled."""

from __future__ import annotations

from sqlmodel import select

from core.outbox import OutboxMessage

from .helpers import CLEANUP_RUN, PLUGINS, cleanup_world, errors


def _told(env, template):
    with env.session() as s:
        rows = s.exec(
            select(OutboxMessage).where(OutboxMessage.template == f"unit_accounts.{template}")
        ).all()
    return {m.unit_id: m for m in rows}


def test_units_are_told_before_the_disabling_and_when_it_happens(make_env):
    env = make_env(PLUGINS, now="2024-06-15")
    world = cleanup_world(env)
    unit_id, first_other = env.refs["unit"].id, world["others"][0].id
    body = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    assert errors(body, "unitAccountCleanupRun") == []
    flagged = _told(env, "cleanup_flagged")
    assert set(flagged) == {unit_id, first_other}
    assert "有2个单位用户账号" in flagged[unit_id].text and "2024-07-01" in flagged[unit_id].text
    assert flagged[unit_id].channel == "SMS"
    # running again before July tells nobody twice
    env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    assert len(_told(env, "cleanup_flagged")) == 2
    with env.session() as s:
        assert len(s.exec(select(OutboxMessage).where(
            OutboxMessage.template == "unit_accounts.cleanup_flagged")).all()) == 2  # fmt: skip
    assert _told(env, "cleanup_disabled") == {}
    env.clock.set("2024-07-01")
    env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    disabled = _told(env, "cleanup_disabled")
    assert set(disabled) == {unit_id, first_other}
    assert "有2个" in disabled[unit_id].text


def test_the_daily_job_tells_the_units_too(make_env):
    env = make_env(PLUGINS, now="2024-06-15")
    cleanup_world(env)
    job = env.platform.jobs["unit_accounts_cleanup"]
    job.run(env.platform, env.clock.now())
    assert env.refs["unit"].id in _told(env, "cleanup_flagged")


def test_nothing_is_told_where_the_measure_is_off(make_env):
    env = make_env(PLUGINS, now="2024-05-31")
    cleanup_world(env)
    body = env.gql(CLEANUP_RUN, {"province": "320000"}, as_="province_admin")
    assert errors(body, "unitAccountCleanupRun")[0]["code"] == "FEATURE_NOT_ENABLED"
    assert _told(env, "cleanup_flagged") == {}
