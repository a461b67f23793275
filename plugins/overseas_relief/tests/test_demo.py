"""This measure's demo data loads on the core demo world and the demo holder can be accepted."""

from __future__ import annotations

from core.testing_db import load_demo

from ..demo import load
from .helpers import DEMO_ACCEPT


def test_demo_data(make_env):
    env = make_env(["overseas_relief"], now="2022-01-10")
    demo = load_demo(env, load)
    v = {"i": {"idNumber": demo.refs["relief_holder"].id_number, "healthCertificate": True}}
    out = env.data(DEMO_ACCEPT, v, as_="clerk")["overseasReliefRestoreAccept"]
    assert out == {"errors": [], "restoration": {"lastDay": "2022-05-20", "needsSubject1": False}}
