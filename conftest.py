"""Shared fixtures for the core tests (tests/) and every plugin's tests (plugins/<slug>/tests/).

The suite runs on SQLite by default and on PostgreSQL when DATABASE_URL points at one.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator

import pytest

from core.db import create_schema, make_engine
from core.plugin_host import bundled_plugin_names
from core.settings import Settings, normalise_database_url
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
