"""Two concurrent applications for one vehicle: exactly one succeeds (row lock on PostgreSQL,
BEGIN IMMEDIATE on SQLite)."""

from __future__ import annotations

import threading

from starlette.testclient import TestClient

from core.http import create_app

from .helpers import APPLY, PLUGINS, apply_input, transfer_count


def test_concurrent_applications_for_one_vehicle(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    variables = {"i": apply_input(car, "320100")}
    headers = {"authorization": f"Bearer {env.token('zhang_account')}"}
    barrier = threading.Barrier(2)
    answers: list[dict] = []

    def call() -> None:
        with TestClient(create_app(env.platform)) as client:
            barrier.wait()
            response = client.post(
                "/graphql", json={"query": APPLY, "variables": variables}, headers=headers
            )
            answers.append(response.json()["data"]["usedCarTransferApply"])

    threads = [threading.Thread(target=call) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    codes = sorted(a["errors"][0]["code"] if a["errors"] else "OK" for a in answers)
    assert codes == ["OK", "OPEN_TRANSFER_EXISTS"]
    assert transfer_count(env) == 1
