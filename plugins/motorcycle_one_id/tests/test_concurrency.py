"""Two clerks complete one approved registration at once: one motorcycle, one success (PostgreSQL too)."""

from __future__ import annotations

from sqlmodel import select

from core.registries.vehicles import Vehicle
from core.testing_answers import codes
from core.testing_race import race

from ..models import MotorcycleCase
from .helpers import COMPLETE, PLUGINS, REVIEW, SHA, SUBMIT


def test_concurrent_completion_registers_once(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4RACE000000001"}  # fmt: skip
    app_id = env.data(SUBMIT, {"input": body}, as_="li_account")["motorcycleApplicationSubmit"][
        "application"
    ]["id"]
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    env.data(REVIEW, rev, as_="clerk")
    files = [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}]
    variables = {"input": {"applicationId": app_id, "archiveFiles": files}}
    answers = race(env, [("clerk", COMPLETE, variables), ("supervisor", COMPLETE, variables)])
    results = [codes(a["data"]["motorcycleApplicationComplete"]) for a in answers]
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r][0] in ("CONFLICT", "INVALID_TRANSITION")
    with env.session() as s:
        assert len(s.exec(select(Vehicle).where(Vehicle.vin == "LMC4RACE000000001")).all()) == 1


def test_concurrent_submits_for_one_vin_open_one_application(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4RACE000000002"}  # fmt: skip
    calls = [("li_account", SUBMIT, {"input": body}), ("zhang_account", SUBMIT, {"input": body})]
    answers = race(env, calls)
    results = [codes(a["data"]["motorcycleApplicationSubmit"]) for a in answers]
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r] == ["CONFLICT"]
    with env.session() as s:
        cases = s.exec(
            select(MotorcycleCase).where(MotorcycleCase.vin == "LMC4RACE000000002")
        ).all()
        assert len(cases) == 1
