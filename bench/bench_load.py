"""Issue 8 `load_mix`: a realistic mix of queries and mutations at rising concurrency.

The mix (rotated in this order by wrk): public "what applies here?" reads, citizens reading their
licences and their own account, citizens fetching a fresh signed e-licence QR (signing), and
partners verifying e-licences online (a write: receipt + audit event per call). For each level:
throughput, p99 latency, error answers, and a lost-write check: every verification the client saw
acknowledged must be in the database (the database may hold up to `connections` more: requests in
flight when wrk stopped).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
from sqlalchemy import func, select

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from httpbench import load, serve  # noqa: E402

LEVELS = [int(x) for x in os.environ.get("BENCH_LOAD_LEVELS", "4,16,64").split(",")]
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
DB_PATH = HERE / "load-mix.db"
HOLDERS = ("zhang", "li", "elder")
PARTNERS = ("rental", "insurer", "employer")

PUBLIC = '{ measuresInForce(city: "320100") { measure { code } inForce } }'
MY_LICENCES = "{ myDrivingLicences { classes status validUntil points } }"
ME = "{ me { kind roles person { name idNumber } } }"
SHOW = "{ eDrivingLicenceShow(count: 1) { payloads { text expiresAt } } }"
VERIFY = """mutation($in: EDrivingLicenceVerifyInput!) { eDrivingLicenceVerify(input: $in) {
  errors { code } verification { accepted receiptId } } }"""


def _prepare():  # noqa: ANN202
    """A fresh database with the demo data, e-licences issued to the demo holders, a high
    nationwide partner-verification limit, and the tokens of the callers."""
    from sqlmodel import Session

    from core.demo import build_core_demo
    from core.platform import build_platform
    from core.plugin_host import collect
    from core.rollout import MeasureSetting
    from core.settings import Settings
    from core.testing import Env
    from plugins.e_driving_licence.tests.helpers import issue

    DB_PATH.unlink(missing_ok=True)
    url = f"sqlite:///{DB_PATH}"
    platform = build_platform(Settings(database_url=url))
    with Session(platform.engine, expire_on_commit=False) as session:
        world = build_core_demo(session, platform.clock.now())
        collect(platform.pm, "load_demo_data", session=session, demo=world)
        session.add(
            MeasureSetting(
                measure="e_driving_licence",
                scope_code="*",
                key="partner_verifications_per_minute",
                value={"value": 10_000_000},
                updated_at=platform.clock.now(),
            )
        )
        session.commit()
    platform.settings_store.reload()
    env = Env(platform, world)
    for holder in HOLDERS:
        held = env.gql("{ myEDrivingLicence { liveStatus } }", as_=f"{holder}_account").get("data")
        if not held:  # the demo data already issued some
            issue(env, who=f"{holder}_account", licence=f"{holder}_licence")
    return url, env


def _requests(env) -> list[tuple[bytes, dict[str, str]]]:  # noqa: ANN001
    def req(query: str, variables: dict | None, who: object | None) -> tuple[bytes, dict[str, str]]:
        headers = {"Content-Type": "application/json"}
        token = env.token(who) if who is not None else None
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return orjson.dumps({"query": query, "variables": variables or {}}), headers

    out = []
    for i, holder in enumerate(HOLDERS):
        account = env.refs[f"{holder}_account"]
        payload = env.data(SHOW, as_=account)["eDrivingLicenceShow"]["payloads"][0]["text"]
        partner = env.refs[PARTNERS[i % len(PARTNERS)]]
        verify = req(VERIFY, {"in": {"payload": payload, "purpose": "load test"}}, partner)
        # per holder: 4 public reads, 2 licence reads, 1 me, 1 QR signing, 2 verifications
        out += [
            req(PUBLIC, None, None),
            verify,
            req(MY_LICENCES, None, account),
            req(PUBLIC, None, None),
        ]
        out += [req(ME, None, account), req(SHOW, None, account), verify, req(PUBLIC, None, None)]
        out += [req(MY_LICENCES, None, account), req(PUBLIC, None, None)]
    return out


def _verifications(url: str) -> int:
    from core.audit import AuditEvent
    from core.db import make_engine

    engine = make_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count())
            .select_from(AuditEvent.__table__)
            .where(
                AuditEvent.__table__.c.action == "e_driving_licence.verify",
                AuditEvent.__table__.c.outcome == "OK",
            )
        ).scalar_one()
    engine.dispose()
    return int(count)


def run_load_mix() -> dict[str, dict]:
    url, env = _prepare()
    levels = []
    with serve("bench.apps:full_app", {"BENCH_DATABASE_URL": url}) as base:
        for connections in LEVELS:
            requests = _requests(env)  # fresh QR payloads (3-minute windows) for each level
            before = _verifications(url)
            figures = load(base + "/graphql", requests, SECONDS, connections, marker='"receiptId"')
            stored = _verifications(url) - before
            acknowledged = figures.get("marked", 0)
            figures.update(
                connections=connections,
                verifications_acknowledged=acknowledged,
                verifications_stored=stored,
                lost_writes=max(0, acknowledged - stored),
            )
            assert stored <= acknowledged + connections, "more writes stored than requests sent"
            levels.append(figures)
            print(f"   {connections} connections: {figures}", flush=True)
    env.platform.engine.dispose()
    best = max(levels, key=lambda f: f["rps"])
    return {
        "load_mix": {
            "levels": levels,
            "rps": best["rps"],
            "p99_ms": best["p99_ms"],
            "errors": sum(f["errors"] for f in levels),
            "socket_errors": sum(f.get("socket_errors", 0) for f in levels),
            "lost_writes": sum(f["lost_writes"] for f in levels),
            "mix": "40% public reads, 20% licence reads, 10% me, 10% QR signing, 20% partner verifications (writes)",
        }
    }


BENCHMARKS = {"load_mix": run_load_mix}
