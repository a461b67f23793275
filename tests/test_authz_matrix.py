"""The authorization matrix: role × operation -> allow / deny, one check per cell through the API.

`tests/authz_matrix.json` is the reviewed, committed table. Deny by default: an operation without a
row fails `test_every_operation_has_a_row`; a cell that differs from the running system fails its
own test. Regenerate after a deliberate change with `python tests/authz_matrix_gen.py` and review
the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.accounts import Role
from core.permissions import gated_actions
from core.plugin_host import bundled_plugin_names
from core.testing import at
from tests.support_ops import ROLE_REF, call_document, root_fields

MATRIX_PATH = Path(__file__).parent / "authz_matrix.json"
MATRIX: dict[str, dict[str, str]] = json.loads(MATRIX_PATH.read_text())
CELLS = [(op, role) for op, row in sorted(MATRIX.items()) for role in row]


@pytest.fixture(scope="module")
def full_env(pool):
    return pool.fresh_env(bundled_plugin_names(), at("2024-09-02"))


def test_every_operation_has_a_row(full_env):
    schema = full_env.platform.schema._schema
    operations = {f"{root}.{name}" for root, name in root_fields(schema)}
    missing = sorted(operations - set(MATRIX))
    stale = sorted(set(MATRIX) - operations)
    assert not missing, f"operations without a row in authz_matrix.json: {missing}"
    assert not stale, f"rows for operations that no longer exist: {stale}"
    for op, row in MATRIX.items():
        assert set(row) == {r.value for r in Role}, f"{op}: every role needs a cell"


@pytest.mark.parametrize("operation,role", CELLS)
def test_cell(full_env, operation, role):
    expected = MATRIX[operation][role]
    schema = full_env.platform.schema._schema
    root, field = operation.split(".")
    action = gated_actions(full_env.platform.schema)[operation]
    who = None if role == "ANONYMOUS" else full_env.refs[ROLE_REF[Role(role)]]
    body = full_env.gql(call_document(schema, root, field), as_=who)
    gate_refusals = [
        e
        for e in body.get("errors", [])
        if e.get("extensions", {}).get("code") == "UNAUTHENTICATED"
        or e.get("extensions", {}).get("rule") == f"permission:{action}"
    ]
    internal = [
        e for e in body.get("errors", []) if e.get("extensions", {}).get("code") == "INTERNAL_ERROR"
    ]
    assert not internal, f"{operation} as {role} with minimal input gave an internal error: {body}"
    if expected == "deny":
        assert gate_refusals, f"{operation} should be denied to {role}: {body}"
    else:
        assert not gate_refusals, f"{operation} should be allowed to {role}: {body}"


def test_zz_no_raw_id_number_in_any_audit_event(full_env):
    """After every cell ran (this test is last in the module): no audit event carries a raw ID number."""
    from sqlmodel import select

    from core.accounts import Person
    from core.audit import AuditEvent

    with full_env.session() as s:
        numbers = [p.id_number for p in s.exec(select(Person)).all()]
        events = s.exec(select(AuditEvent)).all()
    assert events, "the matrix calls were audited"
    for event in events:
        text = f"{event.detail} {event.subject_ref} {event.outcome}"
        leaked = [n for n in numbers if n in text]
        assert not leaked, f"audit event {event.seq} ({event.action}) carries a raw ID number"
