"""This measure's demo data loads on the core demo world and the demo holder can be accepted."""

from __future__ import annotations

from core.demo import DemoWorld
from plugins.overseas_relief.demo import load

ACCEPT = """mutation($i: OverseasReliefRestoreInput!) { overseasReliefRestoreAccept(input: $i) {
  errors { code } restoration { lastDay needsSubject1 } } }"""


def test_demo_data(make_env):
    env = make_env(["overseas_relief"], now="2022-01-10")
    with env.session() as s:
        demo = DemoWorld(env.factory(s), dict(env.refs))
        load(s, demo)
        s.commit()
    v = {"i": {"idNumber": demo.refs["relief_holder"].id_number, "healthCertificate": True}}
    out = env.data(ACCEPT, v, as_="clerk")["overseasReliefRestoreAccept"]
    assert out == {"errors": [], "restoration": {"lastDay": "2022-05-20", "needsSubject1": False}}
