"""This measure's demo data loads on the core demo world and the demo holder can be accepted."""

from __future__ import annotations

from core.demo import DemoWorld

from ..demo import load
from .helpers import DEMO_ACCEPT


def test_demo_data(make_env):
    env = make_env(["overseas_relief"], now="2022-01-10")
    with env.session() as s:
        demo = DemoWorld(env.factory(s), dict(env.refs))
        load(s, demo)
        s.commit()
    v = {"i": {"idNumber": demo.refs["relief_holder"].id_number, "healthCertificate": True}}
    out = env.data(DEMO_ACCEPT, v, as_="clerk")["overseasReliefRestoreAccept"]
    assert out == {"errors": [], "restoration": {"lastDay": "2022-05-20", "needsSubject1": False}}
