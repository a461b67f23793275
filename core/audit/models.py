"""The audit log's tables: events (written by requests), and the Merkle tree the sequencer builds.

    audit_events      one row per audited action, inserted in the transaction of the change it
                      records; `log_id` names its log (a province, or "national"); `txn` orders
                      commits on PostgreSQL (the writer's transaction id; 0 on SQLite);
                      `leaf_hash` is its entry's leaf hash as the writer computed it
    audit_leaves      leaf `leaf_index` of log `log_id` is event `event_seq`, with its leaf hash
    audit_nodes       every complete subtree of level ≥ 1, stored once when it fills
    audit_tree_heads  signed tree heads: (log, size, root, time), one per integrated batch

All four are append-only; on PostgreSQL triggers refuse UPDATE, DELETE and TRUNCATE on them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Integer, LargeBinary
from sqlmodel import Field, SQLModel

from core.db import json_field

NATIONAL_LOG = "national"
SEQ_TYPE = BigInteger().with_variant(Integer(), "sqlite")  # SQLite: an alias of the rowid


class AuditEvent(SQLModel, table=True):
    """One audited action: who (account, kind, role, jurisdiction), what (action, measure), whose
    data (subject person), when, and the outcome. Never updated, never deleted."""

    __tablename__ = "audit_events"
    # no RETURNING on insert: nothing reads the new seq back, and it cost ~35 µs per event
    __table_args__ = (
        Index("ix_audit_events_log_order", "log_id", "txn", "seq"),
        {"implicit_returning": False},
    )

    seq: int | None = Field(
        default=None, sa_column=Column(SEQ_TYPE, primary_key=True, autoincrement=True)
    )
    uid: str = Field(max_length=16, unique=True)
    log_id: str = Field(max_length=10)
    txn: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    at: dt.datetime
    actor_account_id: str | None = Field(default=None, max_length=40)
    actor_kind: str = Field(max_length=16)
    actor_role: str | None = Field(default=None, max_length=32)
    jurisdiction: str | None = Field(default=None, max_length=40)
    action: str = Field(max_length=80, index=True)
    measure: str | None = Field(default=None, max_length=40)
    subject_person_id: str | None = Field(default=None, max_length=16, index=True)
    subject_ref: str | None = Field(default=None, max_length=80)
    outcome: str = Field(max_length=60)
    detail: dict = json_field({})
    # SHA-256(0x00 ‖ entry), computed by the writer (a receipt already names it), so that the
    # sequencer reads 32 bytes per event instead of the event; null for events written before
    # core_0010 (the sequencer computes those). Not trusted: audit-verify recomputes every entry.
    leaf_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(32), nullable=True))


class AuditLeaf(SQLModel, table=True):
    """Leaf `leaf_index` (0-based) of a log's Merkle tree: which event, and its leaf hash."""

    __tablename__ = "audit_leaves"

    log_id: str = Field(primary_key=True, max_length=10)
    leaf_index: int = Field(primary_key=True, sa_type=BigInteger)
    event_seq: int = Field(unique=True, sa_type=BigInteger)
    leaf_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False, index=True))


class AuditNode(SQLModel, table=True):
    """The hash of a complete subtree: 2**level leaves starting at leaf index * 2**level."""

    __tablename__ = "audit_nodes"

    log_id: str = Field(primary_key=True, max_length=10)
    level: int = Field(primary_key=True)
    idx: int = Field(primary_key=True, sa_type=BigInteger)
    hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))


class AuditTreeHead(SQLModel, table=True):
    """A signed tree head (RFC 9162 §4.10 in content): log, size, root hash, timestamp, signed by
    the audit key as a COSE_Sign1 message (`signed`, text "TH1:..."). `last_txn` / `last_seq` mark
    the last event integrated (where the sequencer resumes) and `previous_size` the head it
    extended; they are not signed."""

    __tablename__ = "audit_tree_heads"

    log_id: str = Field(primary_key=True, max_length=10)
    tree_size: int = Field(primary_key=True, sa_type=BigInteger)
    root_hash: bytes = Field(sa_column=Column(LargeBinary(32), nullable=False))
    at: dt.datetime
    kid: str = Field(max_length=16)
    signed: str = Field(max_length=400)
    last_txn: int = Field(sa_type=BigInteger)
    last_seq: int = Field(sa_type=BigInteger)
    # the size of the head the sequencer extended (0 for the first), so that a head deleted from
    # the middle of the log shows as a gap (audit-verify); null on heads signed before core_0012
    previous_size: int | None = Field(default=None, sa_type=BigInteger)


APPEND_ONLY_TABLES = ("audit_events", "audit_leaves", "audit_nodes", "audit_tree_heads")

POSTGRES_GUARDS_DDL = """
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {t}_no_change ON {t};
CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION audit_append_only();
DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
"""
    for t in APPEND_ONLY_TABLES
)
