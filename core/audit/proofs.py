"""Proofs served to citizens and partners: inclusion of an event, consistency between tree heads.

Each proof is computed from the stored complete subtrees with one or two queries, whatever the
log's size (at most 2·log2(n) hashes): the keys a proof needs are listed first
(core/audit/merkle.py), fetched together, then combined.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.audit import merkle
from core.audit.entries import entry_bytes
from core.audit.models import AuditLeaf, AuditTreeHead
from core.audit.sequencer import DATA_ERRORS, HEAD_COLUMNS, H, L, fetch_nodes, latest_head

log = logging.getLogger("traffic.audit")
_LEAF = AuditLeaf.__table__  # type: ignore[attr-defined]
_HEAD = AuditTreeHead.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Inclusion:
    """Leaf `leaf_index` of `log_id` is in the tree of `tree_size` leaves signed in `tree_head`
    (`TH1:` text), by `audit_path` (RFC 9162 §2.1.3, leaf to root)."""

    log_id: str
    leaf_index: int
    leaf_hash: bytes
    tree_size: int
    audit_path: list[bytes]
    tree_head: str


@dataclass(frozen=True)
class Consistency:
    log_id: str
    from_size: int
    to_size: int
    proof: list[bytes]
    from_head: str | None
    to_head: str


def head_at(conn: Connection, log_id: str, tree_size: int | None = None) -> Any:
    """The signed tree head of `log_id` at `tree_size` (latest when None), or None."""
    if tree_size is None:
        return latest_head(conn, log_id)
    return conn.execute(
        select(*HEAD_COLUMNS).where(H.c.log_id == log_id, H.c.tree_size == tree_size)
    ).first()


def inclusions_for_events(conn: Connection, seqs: Iterable[int]) -> dict[int, Inclusion]:
    """Inclusion proofs (against each log's latest tree head) for the integrated ones of the
    events `seqs`, keyed by event seq. Events not integrated yet are absent, and so are those of
    a log whose stored subtrees are damaged (logged as an ERROR on `traffic.audit`)."""
    wanted = list(seqs)
    if not wanted:
        return {}
    leaves = conn.execute(
        select(L.c.log_id, L.c.leaf_index, L.c.leaf_hash, L.c.event_seq).where(
            L.c.event_seq.in_(wanted)
        )
    ).all()
    by_log: dict[str, list[Any]] = {}
    for leaf in leaves:
        by_log.setdefault(leaf.log_id, []).append(leaf)
    found: dict[int, Inclusion] = {}
    for log_id, rows in by_log.items():
        head = latest_head(conn, log_id)
        if head is None:
            continue
        try:
            found.update(_inclusions(conn, log_id, head, rows))
        except DATA_ERRORS as damage:  # this log's events go without proofs; the others keep theirs
            log.error("audit log %s cannot prove inclusion: %s; run audit-verify", log_id, damage)
    return found


def _inclusions(conn: Connection, log_id: str, head: Any, rows: list[Any]) -> dict[int, Inclusion]:
    """Inclusion proofs of the leaves `rows` of `log_id` against `head`, by event seq."""
    needs = [k for r in rows if r.leaf_index < head.tree_size
             for k in merkle.inclusion_needs(r.leaf_index, head.tree_size)]  # fmt: skip
    hashes = fetch_nodes(conn, log_id, needs)
    return {
        r.event_seq: Inclusion(
            log_id,
            r.leaf_index,
            bytes(r.leaf_hash),
            head.tree_size,
            merkle.inclusion_proof(r.leaf_index, head.tree_size, hashes),
            head.signed,
        )
        for r in rows
        if r.leaf_index < head.tree_size
    }


def inclusion_for_leaf(
    conn: Connection, log_id: str, leaf_hash: bytes, tree_size: int | None = None
) -> Inclusion | None:
    """The inclusion proof of the leaf with this hash (e.g. from a partner's receipt). Raises
    LookupError when a stored subtree it needs is missing (a damaged log)."""
    leaf = conn.execute(
        select(L.c.leaf_index).where(L.c.log_id == log_id, L.c.leaf_hash == leaf_hash)
    ).first()
    head = head_at(conn, log_id, tree_size)
    if leaf is None or head is None or leaf.leaf_index >= head.tree_size:
        return None
    hashes = fetch_nodes(conn, log_id, merkle.inclusion_needs(leaf.leaf_index, head.tree_size))
    path = merkle.inclusion_proof(leaf.leaf_index, head.tree_size, hashes)
    return Inclusion(log_id, leaf.leaf_index, leaf_hash, head.tree_size, path, head.signed)


def consistency(
    conn: Connection, log_id: str, from_size: int, to_size: int | None = None
) -> Consistency | None:
    """PROOF(from_size, to_size) between two signed tree heads of `log_id` (RFC 9162 §2.1.4).
    Raises LookupError when a stored subtree it needs is missing (a damaged log)."""
    to_head = head_at(conn, log_id, to_size)
    if to_head is None or not 0 <= from_size <= to_head.tree_size:
        return None
    from_head = head_at(conn, log_id, from_size) if from_size else None
    if from_size and from_head is None:
        return None
    needs = merkle.consistency_needs(from_size, to_head.tree_size)
    hashes = fetch_nodes(conn, log_id, needs)
    proof = merkle.consistency_proof(from_size, to_head.tree_size, hashes)
    return Consistency(
        log_id,
        from_size,
        to_head.tree_size,
        proof,
        from_head.signed if from_head else None,
        to_head.signed,
    )


def entry_text(event: Any) -> str:
    """The canonical entry of an event row, as the text a client hashes (UTF-8)."""
    return entry_bytes(event).decode()
