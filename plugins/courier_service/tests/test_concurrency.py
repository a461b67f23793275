"""Two concurrent visit records for one booking: exactly one takes the step (run on PostgreSQL too)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select
from starlette.testclient import TestClient

from core.http import create_app
from core.registries.applications import Application

from .helpers import ASSIGN, PLUGINS, TODAY, VISIT, World


def test_concurrent_visit_records_take_the_step_once(make_env):
    env = make_env(PLUGINS, now=TODAY)
    w = World(env)
    bid = w.book()["booking"]["id"]
    env.data(ASSIGN, {"b": bid, "s": w.inspector_id}, as_=w.courier)
    token = env.token(w.courier)
    body = {"bookingId": bid, "identityVerified": True, "materials": ["身份证"],
            "inspectionPassed": True, "charges": []}  # fmt: skip

    def call(_: int) -> list[str]:
        with TestClient(create_app(env.platform), raise_server_exceptions=False) as client:
            response = client.post(
                "/graphql",
                json={"query": VISIT, "variables": {"input": body}},
                headers={"authorization": f"Bearer {token}"},
            )
        assert response.status_code == 200, response.text
        return [e["code"] for e in response.json()["data"]["courierVisitRecord"]["errors"]]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(call, range(2)))
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r][0] in ("CONFLICT", "INVALID_STEP")
    with env.session() as s:
        assert len(s.exec(select(Application)).all()) == 1
