"""This measure's demo data loads on the core demo world and the demo veteran can be exchanged."""

from __future__ import annotations

from core.testing_db import load_demo

from ..demo import load
from .helpers import DEMO_EXCHANGE


def test_demo_data(make_env):
    env = make_env(["veteran_licence"], now="2024-09-02")
    demo = load_demo(env, load)
    v = {
        "i": {
            "idNumber": demo.refs["veteran"].id_number,
            "militaryNumber": "JW20150001",
            "classes": "C1 B2",
            "militaryFirstIssueDate": "2010-10-15",
        }
    }
    out = env.data(DEMO_EXCHANGE, v, as_="clerk")["veteranLicenceExchange"]
    assert out["errors"] == [] and out["exchange"] == {
        "status": "COMPLETED",
        "firstIssueDate": "2011-09-02",  # military 10-15 falls after 09-02: next year
    }
