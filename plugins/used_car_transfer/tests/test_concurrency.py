"""Two concurrent applications for one vehicle: exactly one succeeds (row lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite)."""

from __future__ import annotations

from core.testing_race import outcome, race

from .helpers import APPLY, PLUGINS, apply_input, transfer_count


def test_concurrent_applications_for_one_vehicle(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    variables = {"i": apply_input(car, "320100")}
    answers = race(env, [("zhang_account", APPLY, variables)] * 2)
    codes = sorted(outcome(a["data"]["usedCarTransferApply"]) for a in answers)
    assert codes == ["OK", "OPEN_TRANSFER_EXISTS"]
    assert transfer_count(env) == 1
