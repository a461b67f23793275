"""Two concurrent mortgage filings on one vehicle: exactly one succeeds (row lock on PostgreSQL)."""

from __future__ import annotations

import threading

from sqlmodel import select
from starlette.testclient import TestClient

from core.http import create_app

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
    headers = {"authorization": f"Bearer {env.token(env.refs['bank'])}"}
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def call() -> None:
        with TestClient(create_app(env.platform)) as client:
            barrier.wait()
            response = client.post(
                "/graphql", json={"query": FILE, "variables": variables}, headers=headers
            )
            answers.append(response.json()["data"]["mortgageFile"])

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(a["errors"][0]["code"] if a["errors"] else "OK" for a in answers)
    assert codes == ["ALREADY_MORTGAGED", "OK"]
    with env.session() as s:
        assert len(s.exec(select(MortgageFilingRow)).all()) == 1
