"""Two concurrent visit records for one booking: exactly one takes the step (run on PostgreSQL too)."""

from __future__ import annotations

from core.registries.applications import Application
from core.testing_answers import codes
from core.testing_db import row_count
from core.testing_race import race

from .helpers import ASSIGN, PLUGINS, TODAY, VISIT, World


def test_concurrent_visit_records_take_the_step_once(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)
    body = {"bookingId": bid, "identityVerified": True, "materials": ["身份证"],
            "inspectionPassed": True, "charges": []}  # fmt: skip
    answers = race(env, [(w.courier, VISIT, {"input": body})] * 2)
    results = [codes(a["data"]["courierVisitRecord"]) for a in answers]
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r][0] in ("CONFLICT", "INVALID_STEP")
    assert row_count(env, Application) == 1
