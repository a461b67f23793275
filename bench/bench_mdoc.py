"""Benchmark of issuing the e-driving licence as an ISO/IEC 18013-5 mdoc (issue 18 item 2).

    python bench/run.py mdoc_issue

In-process, on a throw-away SQLite database with the demo data: a holder with an issued e-licence
calls `eDrivingLicenceMdocIssue` with a fresh device key each time, through the whole stack
(token, permission, rollout gate, the licence read, the issuer-signed items and their digests,
the MSO signed by the document signer, the audit event) via Starlette's test client. `per_s` is
mdocs issued per second of wall time, one at a time; `ms_p50` / `ms_p99` per request.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import tempfile
import time
from typing import Any

REQUESTS = int(os.environ.get("BENCH_MDOC_REQUESTS", "300"))


def run_mdoc() -> dict[str, Any]:
    import json

    from core.clock import CHINA_TZ
    from core.db import make_engine
    from core.settings import Settings
    from core.tables import create_schema
    from core.testing import PlatformPool
    from plugins.e_driving_licence.tests.helpers import issue
    from plugins.e_driving_licence.tests.test_mdoc import ISSUE, device_jwk

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/mdoc.db"
        engine = make_engine(url)
        create_schema(engine)
        pool = PlatformPool(engine, Settings(database_url=url))
        env = pool.fresh_env(["e_driving_licence"], dt.datetime.now(CHINA_TZ))
        issue(env)
        token = env.token("zhang_account")
        headers = {"authorization": f"Bearer {token}"}
        keys = [json.dumps(device_jwk()[1]) for _ in range(REQUESTS)]
        first = env.http.post("/graphql", json={"query": ISSUE, "variables": {"k": keys[0]}},
                              headers=headers).json()  # fmt: skip
        assert first["data"]["eDrivingLicenceMdocIssue"]["errors"] == [], first
        times = []
        started = time.perf_counter()
        for key in keys:
            t = time.perf_counter()
            body = env.http.post(
                "/graphql", json={"query": ISSUE, "variables": {"k": key}}, headers=headers
            ).json()
            times.append((time.perf_counter() - t) * 1000)
            assert body["data"]["eDrivingLicenceMdocIssue"]["mdoc"], body
        wall = time.perf_counter() - started
        engine.dispose()
    times.sort()
    return {
        "requests": REQUESTS,
        "per_s": round(REQUESTS / wall, 1),
        "ms_p50": round(statistics.median(times), 2),
        "ms_p99": round(times[int(len(times) * 0.99) - 1], 2),
    }


BENCHMARKS = {"mdoc_issue": run_mdoc}
