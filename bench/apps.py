"""ASGI app factories for the HTTP benchmarks (started by uvicorn in their own process).

- `ceiling_app`: a raw Starlette endpoint returning fixed JSON (the most one worker can do).
- `bare_read_app`: the same work as `graphql_read` without GraphQL: bearer-token check (the same
  TokenService, cached) and one indexed read of the caller's licence, as JSON.
- `graphql_read_app`: the production app (core + docs/example_plugin.py), whose
  `exampleLicenceStatus` query does auth, permission, rollout gate and the same read.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import orjson
from sqlalchemy import bindparam, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.gc_tuning import settle_after_start_up  # noqa: E402


def _health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def example_plugin():  # noqa: ANN201
    if "example_plugin" in sys.modules:
        return sys.modules["example_plugin"]
    spec = importlib.util.spec_from_file_location(
        "example_plugin", ROOT / "docs" / "example_plugin.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules["example_plugin"] = module
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def _platform():  # noqa: ANN202
    from core.platform import build_platform
    from core.settings import Settings

    settings = Settings(database_url=os.environ["BENCH_DATABASE_URL"], plugins=())
    return build_platform(settings, extra_plugins=[example_plugin()])


def ceiling_app() -> Starlette:
    body = orjson.dumps(
        {"data": {"exampleLicenceStatus": {"status": "NORMAL", "validUntil": "2030-01-01"}}}
    )

    async def ceiling(request: Request) -> Response:
        return Response(body, media_type="application/json")

    return Starlette(
        routes=[Route("/ceiling", ceiling, methods=["POST"]), Route("/health", _health)]
    )


def bare_read_app() -> Starlette:
    from core.actor import Actor
    from core.errors import RuleError
    from core.registries.licences import DrivingLicence

    platform = _platform()
    table = DrivingLicence.__table__
    stmt = select(table.c.person_id, table.c.status, table.c.valid_until).where(
        table.c.id == bindparam("id")
    )
    engine = platform.engine

    async def bare(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        try:
            actor = Actor.from_claims(platform.tokens.verify(header[7:]))
        except RuleError:
            return Response(
                b'{"error":"unauthenticated"}', status_code=401, media_type="application/json"
            )
        payload = orjson.loads(await request.body())
        licence_id = payload["variables"]["id"]
        with engine.connect() as conn:
            row = conn.execute(stmt, {"id": licence_id}).first()
        if row is None or row.person_id != actor.person_id:
            return Response(
                b'{"error":"not found"}', status_code=404, media_type="application/json"
            )
        body = {
            "data": {
                "exampleLicenceStatus": {
                    "status": row.status,
                    "validUntil": row.valid_until.isoformat(),
                }
            }
        }
        return Response(orjson.dumps(body), media_type="application/json")

    app = Starlette(routes=[Route("/bare", bare, methods=["POST"]), Route("/health", _health)])
    settle_after_start_up()
    return app


def graphql_read_app() -> Starlette:
    from core.http import create_app

    app = create_app(_platform())
    settle_after_start_up()
    return app


def full_app() -> Starlette:
    """The production app with every bundled plugin, on BENCH_DATABASE_URL (load_mix)."""
    from core.http import create_app
    from core.platform import build_platform
    from core.settings import Settings

    app = create_app(build_platform(Settings(database_url=os.environ["BENCH_DATABASE_URL"])))
    settle_after_start_up()
    return app
