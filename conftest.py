"""Shared fixtures for the core tests (tests/) and every plugin's tests (plugins/<slug>/tests/).

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import os
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from core.db import make_engine
from core.plugin_host import bundled_plugin_names
from core.settings import Settings, normalise_database_url
from core.tables import create_schema
from core.testing import Env, PlatformPool, at


@pytest.fixture(scope="session")
def pool() -> Iterator[PlatformPool]:
    url = os.environ.get("DATABASE_URL")
    tmp = None
    if url:
        url = normalise_database_url(url)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="traffic-test-")
        url = f"sqlite:///{tmp.name}/test.db"
    settings = Settings(database_url=url, rollout_cache_seconds=3600.0)
    engine = make_engine(url)
    # every plugin's tables exist, so any plugin subset can run against the same database
    for name in bundled_plugin_names():
        __import__(f"plugins.{name}")
    if url.startswith("postgresql"):
        with engine.begin() as conn:  # a clean slate: the test database belongs to the suite
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    create_schema(engine)
    yield PlatformPool(engine, settings)
    engine.dispose()
    if tmp:
        tmp.cleanup()


@pytest.fixture
def make_env(pool: PlatformPool) -> Callable[..., Env]:
    """`make_env(["online_entrustment"], now="2021-07-01")`: a fresh world with those plugins."""

    def factory(
        plugins: tuple[str, ...] | list[str] = (), now: str = "2024-09-02", extra: tuple = ()
    ) -> Env:
        return pool.fresh_env(
            plugins, at(now) if isinstance(now, str) and len(now) == 10 else now, extra
        )

    return factory


def load_example_plugin():  # noqa: ANN201
    """docs/example_plugin.py, loaded from its path like any third-party module."""
    import importlib.util
    import sys
    from pathlib import Path

    if "example_plugin" in sys.modules:
        return sys.modules["example_plugin"]
    path = Path(__file__).parent / "docs" / "example_plugin.py"
    spec = importlib.util.spec_from_file_location("example_plugin", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["example_plugin"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def example_env(make_env: Callable[..., Env]) -> Env:
    """The core plus docs/example_plugin.py (pilot in Nanjing from 2021-06-01)."""
    return make_env((), extra=(load_example_plugin(),))


@pytest.fixture
def core_env(make_env: Callable[..., Env]) -> Env:
    """Only the core (no measure plugins), clock at 2024-09-02 09:00 Beijing time."""
    return make_env(())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """`base_url = serve(env)`: serve env's platform over real HTTP (uvicorn in a thread) until
    the test ends; for tests that need concurrency or a real socket."""
    import uvicorn

    from core.http import create_app

    servers = []

    def start(env: Env) -> str:
        port = _free_port()
        config = uvicorn.Config(
            create_app(env.platform),
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="off",
            proxy_headers=False,  # as in production: X-Forwarded-For is the app's business
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.time() + 20
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)
