"""`audit-verify`: prove every log intact, or name the first broken entry.

For each log, walking its leaves in order:
- every leaf index from 0 is present, and its event exists and hashes to the stored leaf hash
  (an edited, deleted or reordered event is named by its seq and uid);
- every complete subtree recomputed from the leaves equals the stored one (proofs would lie);
- every signed tree head's signature verifies with a published or former audit key, its stored
  time is its signed one, and its root equals the root recomputed at its size; the leaves reach
  the newest head's size (a cut-off tail is detected against the signed heads), no leaf lies
  beyond it, and each head's `previous_size` is a head of the log (none deleted in between);
- every event waiting to be integrated reads, still gives the leaf hash its writer stored, and is
  no other log's leaf (the sequencer would refuse the log), and none has waited longer than
  `max_pending_seconds`.

A broken leaf is named before a gap in the heads' sequence (the first broken entry is the one
reported); a head that is not validly signed, before either.

Tree heads also leave the platform (citizens' app, partners' receipts): a holder of an older head
can ask for a consistency proof and detect a rewritten history even if the database's own heads
were replaced.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Text, case, cast, func, literal_column, select
from sqlalchemy.engine import Engine

from core.audit import merkle
from core.audit.entries import ENTRY_FIELDS, detail_from_text, entry_bytes_of
from core.audit.sequencer import (
    DATA_ERRORS,
    HEAD_COLUMNS,
    E,
    H,
    L,
    N,
    all_logs,
    damage_reason,
    head_time,
    next_events_integrated,
    stored_leaf_hash,
)
from core.audit.tree_head import verify_tree_head
from core.db import stamp
from core.documents.keys import KeyState, LoadedKey, SigningKey, public_key_from_jwk

# the event's entry columns as the driver gives them, as the sequencer reads them (`at` without
# type processing, `detail` as its JSON text): a damaged time or detail is a broken entry to
# name, not a failure of the whole read
_EVENT_COLUMNS = [
    E.c.seq,
    *(E.c[name] for name in ENTRY_FIELDS[:-1]),
    literal_column(f"{E.name}.at").label("at"),
    cast(E.c.detail, Text).label("detail"),
]


def _entry(row: Any) -> bytes | None:
    """The entry bytes of a leaf's event row, or None when its time or detail no longer reads."""
    try:
        values = [getattr(row, name) for name in ENTRY_FIELDS[:-1]]
        return entry_bytes_of([*values, detail_from_text(row.detail)], row.at)
    except DATA_ERRORS:
        return None


def _stored_nodes(engine: Engine, log_id: str, keys: list[merkle.Node]) -> dict[merkle.Node, bytes]:
    """Stored subtrees among `keys` (contiguous per level: one range query per level)."""
    by_level: dict[int, list[int]] = {}
    for level, index in keys:
        by_level.setdefault(level, []).append(index)
    found: dict[merkle.Node, bytes] = {}
    with engine.connect() as conn:
        for level, indexes in by_level.items():
            for row in conn.execute(
                select(N.c.idx, N.c.hash).where(
                    N.c.log_id == log_id,
                    N.c.level == level,
                    N.c.idx.between(min(indexes), max(indexes)),
                )
            ):
                found[(level, row.idx)] = bytes(row.hash)
    return found


@dataclass
class LogReport:
    log_id: str
    ok: bool = True
    leaves: int = 0  # leaves checked (up to the first broken one)
    tree_heads: int = 0
    pending: int = 0
    broken_at: int | None = None  # leaf index
    event: str | None = None  # "seq 12, uid …"
    reason: str | None = None


@dataclass
class AuditReport:
    logs: list[LogReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.logs)

    @property
    def events(self) -> int:
        return sum(r.leaves for r in self.logs)

    @property
    def first_broken(self) -> LogReport | None:
        return next((r for r in self.logs if not r.ok), None)


class _AuditKeys:
    """Every audit key ever created, so heads signed before a rotation still verify. A NEXT key
    has signed nothing and verifies nothing."""

    def __init__(self, engine: Engine) -> None:
        table = SigningKey.__table__  # type: ignore[attr-defined]
        with engine.connect() as conn:
            rows = conn.execute(select(table).where(table.c.purpose == "audit")).all()
        self.keys = {
            r.kid: LoadedKey(
                r.kid,
                r.purpose,
                r.state,
                public_key_from_jwk({"x": r.public_x, "y": r.public_y}),
                None,
            )
            for r in rows
            if r.state != KeyState.NEXT
        }

    def verifying_key(self, kid: str, purpose: str) -> LoadedKey | None:
        return self.keys.get(kid) if purpose == "audit" else None


def verify_logs(
    engine: Engine,
    now: dt.datetime,
    progress: Callable[[str, int], None] | None = None,
    max_pending_seconds: float = 300.0,
    batch: int = 5000,
) -> AuditReport:
    keys = _AuditKeys(engine)
    report = AuditReport()
    with engine.connect() as conn:
        used = {r[0] for r in conn.execute(select(E.c.log_id).distinct())}
    for log_id in [x for x in all_logs() if x in used] + sorted(used - set(all_logs())):
        try:
            checked = _verify_log(engine, keys, log_id, now, progress, max_pending_seconds, batch)
        except DATA_ERRORS as damage:  # a stored value of the wrong kind: this log, named
            reason = damage_reason(log_id, damage).removeprefix(f"log {log_id}: ")
            checked = LogReport(log_id, ok=False, reason=reason)
        report.logs.append(checked)
    return report


def _changed_or_reordered(engine: Engine, log_id: str, row: Any, digest: bytes) -> str:
    """Why leaf `row.leaf_index` no longer matches its event: the event is another leaf's (the
    leaves or the events' seq numbers were swapped), the leaf's stored hash was changed (the event
    still gives the hash its writer stored with it), or the event (or the hash stored with it)
    was edited."""
    with engine.connect() as conn:
        other = conn.execute(
            select(L.c.leaf_index).where(L.c.log_id == log_id, L.c.leaf_hash == digest).limit(1)
        ).scalar()
        written = conn.execute(select(E.c.leaf_hash).where(E.c.seq == row.seq)).scalar()
    if other is not None and other != row.leaf_index:
        return (
            f"leaf {row.leaf_index} now points to the event of leaf {other} (seq {row.seq}): "
            "the log was reordered"
        )
    if written is not None and bytes(written) == digest:
        return (
            f"the stored hash of leaf {row.leaf_index} was changed (event seq {row.seq} still "
            "gives the hash it was written with)"
        )
    return f"event seq {row.seq} was changed after it was logged"


def _waiting(conn: Any, log_id: str, cutoff: dt.datetime) -> tuple[int, int | None]:
    """How many events of `log_id` wait to be integrated (no leaf yet), and the seq of the first
    of them written before `cutoff` (None: none has waited that long); one scan."""
    stale = case((E.c.at < cutoff, E.c.seq))
    count, first_stale = conn.execute(
        select(func.count(), func.min(stale))
        .select_from(E.outerjoin(L, L.c.event_seq == E.c.seq))
        .where(E.c.log_id == log_id, L.c.event_seq.is_(None))
    ).one()
    return count, first_stale


def _damaged_waiting(engine: Engine, log_id: str, limit: int = 100_000) -> str | None:
    """Why the first damaged event of `log_id` waiting to be integrated is damaged, if one is,
    among the first `limit` waiting: its entry no longer reads (its time or detail; the sequencer
    refuses the log at it), or no longer gives the leaf hash its writer stored with it (it was
    edited while it waited: the sequencer, which trusts that hash, would log what was written)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(*_EVENT_COLUMNS, E.c.leaf_hash.label("written"))
            .select_from(E.outerjoin(L, L.c.event_seq == E.c.seq))
            .where(E.c.log_id == log_id, L.c.event_seq.is_(None))
            .order_by(E.c.txn, E.c.seq)
            .limit(limit)
        )
        for r in rows:
            entry = _entry(r)
            if entry is None:
                return (
                    f"event seq {r.seq}, waiting to be integrated, no longer reads (its time or "
                    "detail): the sequencer cannot log it"
                )
            written = stored_leaf_hash(r.written)  # as the sequencer takes it (else recomputed)
            if written is not None and merkle.leaf_hash(entry) != written:
                return (
                    f"event seq {r.seq}, waiting to be integrated, was changed after it was "
                    "written (it no longer gives the leaf hash stored with it)"
                )
    return None


def _newest_size(engine: Engine, log_id: str) -> int:
    """The size of `log_id`'s newest signed tree head (0: none)."""
    with engine.connect() as conn:
        size = conn.execute(select(func.max(H.c.tree_size)).where(H.c.log_id == log_id)).scalar()
    return size or 0


def _gap_in_heads(heads: list[Any]) -> str | None:
    """Each head records the size of the head it extended (`previous_size`, since core_0012; the
    one before it, 0 for the first): a head that names another, or none after heads that did, is
    a gap where a head was deleted or its record changed."""
    before, recorded = 0, False
    for head in heads:
        if head.previous_size is None:
            if recorded:
                return (
                    f"the tree head of size {head.tree_size} records no previous size, although "
                    "earlier heads do (its record was changed)"
                )
        else:
            recorded = True
            if head.previous_size != before:
                return (
                    f"the tree head of size {head.tree_size} extended one of size "
                    f"{head.previous_size}, but the head before it has size {before} (a head was "
                    "deleted, or the recorded size was changed)"
                )
        before = head.tree_size
    return None


def _verify_log(
    engine: Engine,
    keys: _AuditKeys,
    log_id: str,
    now: dt.datetime,
    progress: Callable[[str, int], None] | None,
    max_pending_seconds: float,
    batch: int,
) -> LogReport:
    out = LogReport(log_id)

    size = 0  # leaves checked so far

    def broken(index: int | None, reason: str, event: Any = None) -> LogReport:
        out.ok, out.broken_at, out.reason = False, index, reason
        out.leaves = size if index is None else min(size, index)
        if event is not None:
            out.event = f"seq {event.seq}, uid {event.uid}"
        return out

    with engine.connect() as conn:
        heads = conn.execute(
            select(*HEAD_COLUMNS).where(H.c.log_id == log_id).order_by(H.c.tree_size)
        ).all()
        cutoff = stamp(now) - dt.timedelta(seconds=max_pending_seconds)
        out.pending, stale = _waiting(conn, log_id, cutoff)
    out.tree_heads = len(heads)
    for head in heads:
        signed = verify_tree_head(head.signed, keys)
        if signed is None:
            return broken(None, f"the tree head of size {head.tree_size} is not validly signed")
        if (signed.log_id, signed.tree_size, signed.root_hash) != (
            log_id,
            head.tree_size,
            bytes(head.root_hash),
        ):
            return broken(
                None, f"the tree head of size {head.tree_size} differs from its signature"
            )
        at = head_time(head)
        if at is None or abs(int(at.timestamp() * 1000) - signed.timestamp_ms) > 1:
            state = "no longer reads" if at is None else "differs from the signed one"
            return broken(
                None, f"the stored time of the tree head of size {head.tree_size} {state}"
            )
    head_roots = {h.tree_size: bytes(h.root_hash) for h in heads}
    frontier: dict[merkle.Node, bytes] = {}
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(L.c.leaf_index, L.c.leaf_hash, L.c.event_seq, *_EVENT_COLUMNS)
                .select_from(L.outerjoin(E, E.c.seq == L.c.event_seq))
                .where(L.c.log_id == log_id, L.c.leaf_index >= size)
                .order_by(L.c.leaf_index)
                .limit(batch)
            ).all()
        if not rows:
            break
        # first pass: leaves and events, recording the subtrees and roots they imply
        checks: list[tuple[int, merkle.Node | None, bytes, Any]] = []  # (leaf, node, digest, row)
        leaf_failure: tuple[int, str, Any] | None = None
        for r in rows:
            if r.leaf_index != size:
                leaf_failure = (
                    size,
                    f"leaf {size} is missing (the next stored leaf is {r.leaf_index})",
                    None,
                )
            elif r.seq is None:
                leaf_failure = (
                    size,
                    f"the event of leaf {size} (seq {r.event_seq}) was deleted",
                    None,
                )
            elif r.log_id != log_id:
                leaf_failure = (size, f"event seq {r.seq} was moved to log {r.log_id}", r)
            elif (entry := _entry(r)) is None:
                leaf_failure = (
                    size,
                    f"event seq {r.seq} was changed after it was logged (its time or detail "
                    "no longer reads)",
                    r,
                )
            elif (digest := merkle.leaf_hash(entry)) != bytes(r.leaf_hash):
                leaf_failure = (size, _changed_or_reordered(engine, log_id, r, digest), r)
            if leaf_failure is not None:
                break
            frontier, filled = merkle.append_leaves(size, frontier, [bytes(r.leaf_hash)])
            checks.extend((size, key, digest, r) for key, digest in filled)
            size += 1
            if size in head_roots:
                checks.append((size - 1, None, merkle.root_hash(size, frontier), r))
        # second pass, in leaf order: each stored subtree, then each signed root, then the leaf
        # failure if any: the earliest fault is the one named
        stored = _stored_nodes(engine, log_id, [key for _, key, _, _ in checks if key])
        for leaf, key, digest, r in checks:
            if key is not None and stored.get(key) != digest:
                level, index = key
                first, last = index << level, ((index + 1) << level) - 1
                what = (
                    "is missing (proofs over them cannot be given)"
                    if key not in stored
                    else "does not match those leaves (proofs would lie)"
                )
                return broken(leaf, f"the stored subtree over leaves {first}-{last} {what}")
            if key is None and digest != head_roots[leaf + 1]:
                return broken(
                    leaf, f"the leaves up to {leaf + 1} do not give the root signed at that size", r
                )
        if leaf_failure is not None:
            return broken(*leaf_failure)
        if progress:
            progress(log_id, size)
    out.leaves = size
    if heads and heads[-1].tree_size > size:
        return broken(
            size,
            f"the newest signed tree head has {heads[-1].tree_size} entries but only {size} "
            "leaves remain (tail cut off)",
        )
    newest = heads[-1].tree_size if heads else 0
    if size > newest and _newest_size(engine, log_id) < size:  # re-read: a pass may have signed
        return broken(
            newest,
            f"leaves {newest}-{size - 1} are covered by no signed tree head (the newest has "
            f"{newest} entries): a tree head was deleted",
        )
    gap = _gap_in_heads(heads)
    if gap is not None:
        return broken(None, gap)
    if heads:
        with engine.connect() as conn:
            last = conn.execute(
                select(E.c.seq, E.c.txn)
                .select_from(L.join(E, E.c.seq == L.c.event_seq))
                .where(L.c.log_id == log_id, L.c.leaf_index == heads[-1].tree_size - 1)
            ).first()
        if last is None or (last.txn, last.seq) != (heads[-1].last_txn, heads[-1].last_seq):
            return broken(
                None,
                f"the newest tree head says its last event is (txn {heads[-1].last_txn}, seq "
                f"{heads[-1].last_seq}), but its last leaf is event "
                f"{f'(txn {last.txn}, seq {last.seq})' if last else 'missing'}: the sequencer "
                "would resume in the wrong place and skip or repeat events",
            )
    with engine.connect() as conn:
        blocked = next_events_integrated(conn, log_id)
    if blocked is not None:
        return broken(None, f"{blocked}; the sequencer will not extend this log")
    waiting = _damaged_waiting(engine, log_id)
    if waiting is not None:
        return broken(None, waiting)
    if stale is not None:
        return broken(
            None,
            f"event seq {stale} has waited more than {max_pending_seconds:.0f} s to be integrated",
        )
    return out
