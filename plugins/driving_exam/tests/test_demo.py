"""This measure's demo data loads on the core demo world and is readable through the API."""

from __future__ import annotations

from core.testing_db import load_demo

from ..demo import load
from .helpers import DEMO_PERMIT


def test_demo_data(make_env):
    env = make_env(["driving_exam"], now="2024-09-02")
    permit_id = load_demo(env, load)["exam_permit"].id
    body = env.data(
        DEMO_PERMIT,
        {"p": permit_id},
        as_="supervisor",
    )
    assert body["drivingExamPermit"] == {
        "examCity": "320500",
        "locationChanges": 1,
        "earliestSubject3Booking": "2024-08-21",
    }
