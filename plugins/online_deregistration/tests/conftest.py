"""Fixtures of the M15 tests (GraphQL documents and builders are in helpers.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def dereg(make_env):
    def make(now="2024-09-02", plugins=("online_deregistration", "e_vehicle_licence")):
        return make_env(list(plugins), now=now)

    return make
