"""Fixtures of the residential parking tests (documents and builders are in helpers.py)."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import PLUGINS, designate


@pytest.fixture
def env_segment(make_env: Any) -> tuple[Any, str]:
    """Nanjing on 2024-09-02 with one designated segment (night, weekend-day and holiday windows,
    signs since 2024-09-01); (env, segment id)."""
    env = make_env(PLUGINS, now="2024-09-02")
    out = designate(env)
    assert out["errors"] == []
    return env, out["segment"]["id"]
