"""Two clerks complete one approved registration at once: one motorcycle, one success (PostgreSQL too)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import select
from starlette.testclient import TestClient

from core.http import create_app
from core.registries.vehicles import Vehicle

from ..models import MotorcycleCase
from .helpers import COMPLETE, PLUGINS, REVIEW, SHA, SUBMIT


def test_concurrent_completion_registers_once(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4RACE000000001"}  # fmt: skip
    app_id = env.data(SUBMIT, {"input": body}, as_="li_account")["motorcycleApplicationSubmit"][
        "application"
    ]["id"]
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": ["RESIDENT_ID"]}}
    env.data(REVIEW, rev, as_="clerk")
    tokens = [env.token("clerk"), env.token("supervisor")]
    files = [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}]

    def call(i: int) -> list[str]:
        with TestClient(create_app(env.platform), raise_server_exceptions=False) as client:
            response = client.post(
                "/graphql",
                json={"query": COMPLETE,
                      "variables": {"input": {"applicationId": app_id, "archiveFiles": files}}},
                headers={"authorization": f"Bearer {tokens[i]}"},
            )  # fmt: skip
        assert response.status_code == 200, response.text
        return [
            e["code"] for e in response.json()["data"]["motorcycleApplicationComplete"]["errors"]
        ]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(call, range(2)))
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r][0] in ("CONFLICT", "INVALID_TRANSITION")
    with env.session() as s:
        assert len(s.exec(select(Vehicle).where(Vehicle.vin == "LMC4RACE000000001")).all()) == 1


def test_concurrent_submits_for_one_vin_open_one_application(make_env):
    env = make_env(PLUGINS)
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": "LMC4RACE000000002"}  # fmt: skip
    tokens = [env.token("li_account"), env.token("zhang_account")]

    def call(i: int) -> list[str]:
        with TestClient(create_app(env.platform), raise_server_exceptions=False) as client:
            response = client.post(
                "/graphql",
                json={"query": SUBMIT, "variables": {"input": body}},
                headers={"authorization": f"Bearer {tokens[i]}"},
            )
        assert response.status_code == 200, response.text
        return [e["code"] for e in response.json()["data"]["motorcycleApplicationSubmit"]["errors"]]

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(call, range(2)))
    assert sorted(len(r) for r in results) == [0, 1]
    assert [c for r in results for c in r] == ["CONFLICT"]
    with env.session() as s:
        cases = s.exec(
            select(MotorcycleCase).where(MotorcycleCase.vin == "LMC4RACE000000002")
        ).all()
        assert len(cases) == 1
