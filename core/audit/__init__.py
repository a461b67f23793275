"""The audit log: a transparency log per province (RFC 9162 design, as in Certificate Transparency).

Every mutation (accepted or refused) and every read of another person's data appends one event in
the same transaction as the change it records (`entries.py`: insert only, no lock). A sequencer
(`sequencer.py`) integrates committed events into each log's Merkle tree in batches and signs tree
heads (`tree_head.py`) with the audit key; anyone holding a signed tree head can check that an
event is in the log (inclusion proof) and that the log only grew (consistency proof) (`proofs.py`,
`merkle.py`, and offline in verifier/audit.py). `verify.py` is `audit-verify`. ID numbers never
enter an event: callers pass person ids and masked numbers only. Diagram: docs/architecture.md.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from core.audit.entries import EventDraft, entry_bytes, insert_event, insert_events, log_for
from core.audit.models import (
    NATIONAL_LOG,
    POSTGRES_GUARDS_DDL,
    AuditEvent,
    AuditLeaf,
    AuditNode,
    AuditTreeHead,
)
from core.audit.sequencer import AuditSequencer, integrate, sequence_all
from core.audit.verify import AuditReport, verify_logs

__all__ = [
    "NATIONAL_LOG",
    "POSTGRES_GUARDS_DDL",
    "AuditEvent",
    "AuditLeaf",
    "AuditNode",
    "AuditReport",
    "AuditSequencer",
    "AuditTreeHead",
    "EventDraft",
    "entry_bytes",
    "insert_event",
    "install_postgres_guards",
    "integrate",
    "insert_events",
    "log_for",
    "sequence_all",
    "verify_logs",
]


def install_postgres_guards(engine: Engine) -> None:
    """Make the log's tables append-only on PostgreSQL (UPDATE / DELETE / TRUNCATE refused)."""
    with engine.begin() as conn:
        conn.exec_driver_sql(POSTGRES_GUARDS_DDL)
