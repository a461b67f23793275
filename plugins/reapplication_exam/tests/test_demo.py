"""This measure's demo data loads on the core demo world and answers the transition rule."""

from __future__ import annotations

from sqlmodel import select

from core.testing_db import load_demo

from ..demo import load
from ..models import Registration
from .helpers import DEMO_PLAN


def test_demo_data(make_env):
    env = make_env(["reapplication_exam"], now="2024-09-02")
    load_demo(env, load)
    with env.session() as s:
        reg_id = s.exec(select(Registration)).one().id
    plan = env.data(
        DEMO_PLAN,
        {"r": reg_id},
        as_="clerk",
    )
    assert plan["reapplicationExamPlan"] == {
        "case": 4,
        "remaining": ["SUBJECT3_ROAD"],
        "restores": ["C1", "C6"],
    }
