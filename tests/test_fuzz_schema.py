"""Fuzzing with schemathesis against the exported schema.graphql: no operation, fed generated input
by a caller its rules allow, may give an HTTP 500 or an unexpected (INTERNAL_ERROR) GraphQL error.

Bounded: a fixed number of examples per operation, derandomised (fixed seed), one shared world.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import from_file, nodes

from core.accounts import Role
from core.permissions import gated_actions
from core.plugin_host import bundled_plugin_names
from core.testing import at
from tests.support_ops import ROLE_REF

# custom scalars of the schema: JSON values (strings, numbers, flat objects)
schemathesis.graphql.scalar(
    "JSON",
    st.one_of(
        st.text(max_size=20).map(nodes.String),
        st.integers(-5, 5).map(nodes.Int),
        st.just(nodes.Object([])),
    ),
)
SCHEMA = from_file((Path(__file__).resolve().parent.parent / "schema.graphql").read_text())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
EXAMPLES = 6
ROLE_PREFERENCE = [Role.CITIZEN, Role.CLERK, *ROLE_REF]


@pytest.fixture(scope="module")
def fuzz_env(pool):
    return pool.fresh_env(bundled_plugin_names(), at("2024-09-02"))


def _caller(env, operation_label: str):
    action = gated_actions(env.platform.schema).get(operation_label)
    assert action, f"{operation_label} is not gated"
    for role in ROLE_PREFERENCE:
        if env.platform.permissions.permits(action, frozenset({role})):
            return env.refs[ROLE_REF[role]]
    return None  # public operation


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_no_server_errors(fuzz_env, operation):
    who = _caller(fuzz_env, operation.label)
    token = fuzz_env.token(who) if who is not None else None
    headers = {"authorization": f"Bearer {token}"} if token else {}

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case):
        response = fuzz_env.http.post("/graphql", json={"query": case.body}, headers=headers)
        assert response.status_code < 500, response.text
        body = response.json()
        codes = (
            [e.get("extensions", {}).get("code") for e in body.get("errors", [])]
            if isinstance(body, dict)
            else []
        )
        assert "INTERNAL_ERROR" not in codes, f"{case.body}\n{body}"

    check()
