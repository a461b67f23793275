"""This measure's demo data loads on the core demo world and is readable through the API."""

from __future__ import annotations

from core.demo import DemoWorld

from ..demo import load
from .helpers import DEMO_PERMIT


def test_demo_data(make_env):
    env = make_env(["driving_exam"], now="2024-09-02")
    with env.session() as s:
        demo = DemoWorld(env.factory(s), dict(env.refs))
        load(s, demo)
        s.commit()
        permit_id = demo.refs["exam_permit"].id
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
