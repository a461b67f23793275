"""Fixtures of the M01 tests (GraphQL documents and builders are in helpers.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def edl(make_env):
    def make(now="2024-09-02"):
        return make_env(["e_driving_licence"], now=now)

    return make
