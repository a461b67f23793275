"""Two concurrent mortgage filings on one vehicle: exactly one succeeds (row lock on PostgreSQL)."""

from __future__ import annotations

from core.testing_db import row_count
from core.testing_race import outcome, race

from ..models import MortgageFilingRow
from .helpers import DOCS, FILE, PLUGINS, SHA_BANK


def test_concurrent_mortgages_on_one_vehicle(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["zhang_car"]
    variables = {
        "i": {
            "vin": car.vin,
            "plate": car.plate,
            "kind": "MORTGAGE",
            "licenceCopyRef": "oss://licences/copy-1.pdf",
            "licenceCopySha256": SHA_BANK,
            **DOCS,
        }
    }
    answers = race(env, [(env.refs["bank"], FILE, variables)] * 2)
    codes = sorted(outcome(a["data"]["mortgageFile"]) for a in answers)
    assert codes == ["ALREADY_MORTGAGED", "OK"]
    assert row_count(env, MortgageFilingRow) == 1
