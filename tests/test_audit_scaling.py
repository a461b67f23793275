"""The sequencer's and the proofs' reads cost the same however long the log is.

SQLite plans a row comparison `(txn, seq) > (t, s)` as the range `txn >= t`, and an OR of
`(level, idx)` pairs as a scan of the log's whole index: both once made every sequencer pass and
every inclusion proof read each event or node the log already held. These tests count SQLite's
virtual-machine steps (`set_progress_handler`, deterministic for the same data and statements) for
the same reads on a log of 1,023 and of 4,095 sequenced events (not powers of two, so
that the frontier has several subtrees): a read that walks the log would
take about four times the steps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from core.audit import merkle, sequence_all
from core.audit.entries import EventDraft, insert_statement
from core.audit.sequencer import _logs_with_pending, _pending, fetch_nodes, latest_head
from core.db import make_engine
from core.documents.keys import KeyRing
from core.tables import create_schema

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
LOG = "national"


def _log_of(tmp_path: Any, size: int) -> Any:
    engine = make_engine(f"sqlite:///{tmp_path / f'audit-{size}.db'}")
    create_schema(engine)
    keys = KeyRing(engine)
    keys.ensure(NOW)
    rows = [
        EventDraft(
            log_id=LOG, at=NOW, actor_account_id="ACCOUNT000000001", actor_kind="PARTNER",
            actor_role="PARTNER_INSURER", jurisdiction=None, action="e_driving_licence.verify",
            measure="e_driving_licence", subject_person_id=None, subject_ref=f"EDL:{i}",
            outcome="OK",
        ).row()
        for i in range(size)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert_statement("sqlite"), rows)
    while sequence_all(engine, keys, NOW, logs=[LOG]):
        pass
    return engine


def _steps(engine: Any, read: Callable[[Any], Any]) -> int:
    """SQLite VM steps (in tens) that `read(conn)` takes."""
    ticks = 0

    def tick() -> int:
        nonlocal ticks
        ticks += 1
        return 0

    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        raw.set_progress_handler(tick, 10)
        try:
            read(conn)
        finally:
            raw.set_progress_handler(None, 10)
    return ticks


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Any]:
    folder = tmp_path_factory.mktemp("audit-scaling")
    return {size: _log_of(folder, size) for size in (1023, 4095)}


def _mark(conn: Any) -> tuple[int, int]:
    head = latest_head(conn, LOG)
    return head.last_txn, head.last_seq


READS: dict[str, Callable[[Any], Any]] = {
    "idle probe of every log": lambda conn: _logs_with_pending(conn, {LOG: _mark(conn)}),
    "pending events after the head": lambda conn: _pending(conn, LOG, _mark(conn), 5000),
    "frontier of the tree": lambda conn: fetch_nodes(
        conn, LOG, merkle.frontier_needs(latest_head(conn, LOG).tree_size)
    ),
    "inclusion proof of an early leaf": lambda conn: fetch_nodes(
        conn, LOG, merkle.inclusion_needs(3, latest_head(conn, LOG).tree_size)
    ),
}


@pytest.mark.parametrize("name", list(READS))
def test_a_read_costs_the_same_on_a_log_four_times_longer(logs: dict[int, Any], name: str) -> None:
    small, large = (_steps(logs[size], READS[name]) for size in (1023, 4095))
    assert large < small * 1.5, (
        f"{name}: {small} x10 SQLite steps at 1,023 events, {large} at 4,095: it walks the log"
    )
