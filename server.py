"""Serve the API: `python server.py` (127.0.0.1:8000, GraphQL and GraphiQL at /graphql).

With no DATABASE_URL it uses an embedded SQLite file (var/traffic.db), creates the tables, loads
the demo data set once and seeds the default national rollout. Set DATABASE_URL for PostgreSQL and
APP_MODE=production to switch off GraphiQL, introspection, suggestions and development tokens.

Production runs `uvicorn server:app_factory --factory ...` (docs/deployment.md): the factory sets up
the JSON logs in every worker, so both ways of starting log the same lines.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from core.gc_tuning import settle_after_start_up
from core.platform import Platform, build_platform
from core.settings import Settings


def make_platform(load_demo: bool = True) -> Platform:
    settings = Settings.from_env()
    platform = build_platform(settings)
    if load_demo and not settings.production:
        from core.demo import load_demo_if_empty

        load_demo_if_empty(platform)
    return platform


def app_factory():  # noqa: ANN201 - uvicorn --factory entry point
    """`uvicorn server:app_factory --factory` (used by several workers in production): JSON logs
    for the worker process (uvicorn's loggers included), then the platform and the ASGI app."""
    from core.http import create_app
    from core.observability import setup_logging

    setup_logging(logging.INFO)
    platform = make_platform(load_demo=os.environ.get("LOAD_DEMO", "1") == "1")
    app = create_app(platform)
    settle_after_start_up()  # gc.freeze() and thresholds (core/gc_tuning.py)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    try:
        Settings.from_env()  # a malformed variable: one line naming it, not a traceback
    except ValueError as error:
        sys.exit(f"configuration error: {error}")
    from core.observability import setup_logging
    from core.tables import StaleSchema

    setup_logging(logging.INFO)
    import uvicorn

    # X-Forwarded-For is read by the app itself, from TRUSTED_PROXIES only (core/http.py)
    common = {"host": args.host, "port": args.port, "access_log": False, "proxy_headers": False}

    if args.workers == 1:
        try:
            app = app_factory()
        except StaleSchema as stale:  # a database the migrations have not reached: one line
            sys.exit(f"cannot start: {stale}")
        print(f"GraphQL API (GraphiQL in development) at http://{args.host}:{args.port}/graphql")
        uvicorn.run(app, log_config=None, **common)
    else:
        try:
            make_platform()  # create tables and demo data once, before the workers start
        except StaleSchema as stale:
            sys.exit(f"cannot start: {stale}")
        uvicorn.run(
            "server:app_factory",
            factory=True,
            workers=args.workers,
            log_config=str(Path(__file__).parent / "deploy" / "uvicorn-log.json"),
            **common,
        )


if __name__ == "__main__":
    main()
