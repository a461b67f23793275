"""GraphQL for the audit log: events with inclusion proofs, signed tree heads, consistency proofs.

Public: the signed tree heads of every log, consistency proofs between two of them, and the
inclusion proof of a leaf whose hash the caller knows (a partner's receipt names its entry's leaf
hash). A citizen's own events, with their proofs, come through `myAuditTrail` (core/api/queries.py).
Hashes are lowercase hex. See docs/architecture.md ("The audit log") and verifier/audit.py.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import strawberry

from core.audit import NATIONAL_LOG
from core.audit import proofs as audit_proofs
from core.audit.sequencer import DATA_ERRORS, all_logs, head_time, latest_head
from core.audit.tree_head import read_tree_head
from core.clock import to_china
from core.context import Context
from core.errors import Code, RuleError
from core.graphql.operations import operation_field
from core.graphql.scalars import BigInt

log = logging.getLogger("traffic.audit")


@strawberry.type(description="A signed tree head: the log had `treeSize` entries with this root.")
class AuditTreeHead:
    log_id: str
    tree_size: BigInt
    root_hash: str = strawberry.field(description="MTH of the first treeSize leaves (hex).")
    timestamp: dt.datetime
    signed: str = strawberry.field(
        description="The signed statement (TH1:…, COSE_Sign1 with the audit key); check it with "
        "the `audit` keys of /.well-known/jwks.json (verifier/audit.py)."
    )

    @classmethod
    def of(cls, row: Any) -> AuditTreeHead:
        """From a tree head row (core.audit.sequencer.HEAD_COLUMNS). Its stored time, or where that
        no longer reads (audit-verify names it) the time in its signed statement; raises
        RuleError AUDIT_LOG_DAMAGED when neither reads."""
        at = head_time(row)
        if at is None and isinstance(row.signed, str):  # parsed only when the stored time is bad
            signed = read_tree_head(row.signed)
            at = signed.at if signed is not None else None
        size, root = row.tree_size, row.root_hash
        readable = (
            at is not None
            and type(size) is int
            and isinstance(root, bytes | memoryview)
            and len(bytes(root)) == 32
        )
        if not readable:  # a stored value of the wrong kind (SQLite keeps anything)
            raise log_damaged(row.log_id, f"a tree head (size {size!r}) no longer reads")
        return cls(
            log_id=row.log_id,
            tree_size=size,
            root_hash=bytes(root).hex(),
            timestamp=to_china(at),
            signed=row.signed,
        )


def log_damaged(log_id: str | None, damage: object) -> RuleError:
    """The refusal (AUDIT_LOG_DAMAGED) of a proof, head or trail that a damaged log cannot give,
    logged as an ERROR for operators. `log_id` None: an event of a citizen's trail."""
    log.error("audit log %s cannot answer: %s; run audit-verify", log_id or "?", damage)
    if log_id is None:
        return RuleError(
            Code.AUDIT_LOG_DAMAGED,
            "An entry of your audit trail no longer reads, so the trail cannot be shown now. "
            "Its operators are alerted; try again later.",
        )
    return RuleError(
        Code.AUDIT_LOG_DAMAGED,
        f"Log {log_id} cannot answer this now: what is stored of it is damaged. Its operators "
        "are alerted; try again later.",
        field="logId",
    )


@strawberry.type(description="Where an action is logged: log, event id and leaf hash (hex).")
class AuditEntryRef:
    log_id: str
    uid: str
    leaf_hash: str = strawberry.field(
        description="Ask auditInclusionProof(logId, leafHash) to prove the entry was logged."
    )

    @classmethod
    def of(cls, draft: Any) -> AuditEntryRef:
        return cls(log_id=draft.log_id, uid=draft.uid, leaf_hash=draft.leaf_hash().hex())


@strawberry.type(description="Proof that an entry is in a log (RFC 9162 §2.1.3).")
class AuditInclusion:
    log_id: str
    leaf_index: BigInt
    leaf_hash: str = strawberry.field(description="SHA-256(0x00 ‖ entry), hex.")
    tree_size: BigInt
    audit_path: list[str] = strawberry.field(description="Sibling hashes, leaf to root (hex).")
    tree_head: str = strawberry.field(description="The signed tree head (TH1:…) it proves against.")

    @classmethod
    def of(cls, found: audit_proofs.Inclusion) -> AuditInclusion:
        return cls(
            log_id=found.log_id,
            leaf_index=found.leaf_index,
            leaf_hash=found.leaf_hash.hex(),
            tree_size=found.tree_size,
            audit_path=[h.hex() for h in found.audit_path],
            tree_head=found.tree_head,
        )


@strawberry.type(description="Proof that a log only grew between two sizes (RFC 9162 §2.1.4).")
class AuditConsistency:
    log_id: str
    from_size: BigInt
    to_size: BigInt
    proof: list[str]
    from_head: str | None
    to_head: str


def _log(log_id: str) -> str:
    if log_id not in all_logs():
        raise RuleError(
            Code.INVALID_INPUT,
            f"Unknown audit log; logs are province codes (e.g. 320000) and {NATIONAL_LOG!r}.",
            field="logId",
        )
    return log_id


def _size(value: int | None, field: str) -> int | None:
    if value is not None and value < 0:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` must not be negative.", field=field)
    return value


def _hex32(value: str, field: str) -> bytes:
    try:
        raw = bytes.fromhex(value) if isinstance(value, str) and len(value) == 64 else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise RuleError(Code.INVALID_INPUT, f"`{field}` is 64 hex digits.", field=field)
    return raw


def inclusion_loader(ctx: Context) -> Any:
    """Per-request loader: event seq -> AuditInclusion (None while not yet integrated)."""

    def batch(seqs: list[int]) -> list[AuditInclusion | None]:
        with ctx.platform.engine.connect() as conn:
            found = audit_proofs.inclusions_for_events(conn, seqs)
        return [AuditInclusion.of(found[s]) if s in found else None for s in seqs]

    return ctx.loader("audit.inclusion", batch)


@strawberry.type
class AuditQuery:
    @operation_field(
        "core.public",
        "The newest signed tree head of every audit log (one per province, and the national log).",
    )
    def audit_tree_heads(self, info: strawberry.Info) -> list[AuditTreeHead]:
        ctx: Context = info.context
        with ctx.platform.engine.connect() as conn:
            rows = [latest_head(conn, log_id) for log_id in all_logs()]
        heads = []
        for row in (r for r in rows if r is not None):
            try:
                heads.append(AuditTreeHead.of(row))
            except RuleError:  # one damaged log (logged) does not hide the others' heads
                continue
        return heads

    @operation_field(
        "core.public",
        "A log's signed tree head at `treeSize` (the newest when omitted).",
    )
    def audit_tree_head(
        self, info: strawberry.Info, log_id: str, tree_size: BigInt | None = None
    ) -> AuditTreeHead | None:
        ctx: Context = info.context
        with ctx.platform.engine.connect() as conn:
            row = audit_proofs.head_at(conn, _log(log_id), _size(tree_size, "treeSize"))
        return AuditTreeHead.of(row) if row else None

    @operation_field(
        "core.public",
        "Proof that the log at `fromSize` is a prefix of the log at `toSize` (the "
        "newest head when omitted). Both sizes must be sizes of signed tree heads "
        "(`auditTreeHeads`, `auditTreeHead`: take `fromSize` from a head you kept), else null, "
        "whether no head was signed at that size or the log is not that large yet. `fromSize` 0 "
        "(the empty tree) needs no head: its proof is empty and `fromHead` null. `fromSize` above "
        "`toSize`: INVALID_INPUT; AUDIT_LOG_DAMAGED when the log's stored subtrees cannot give "
        "it. Check it offline with verifier/audit.py `check_consistency`.",
    )
    def audit_consistency_proof(
        self, info: strawberry.Info, log_id: str, from_size: BigInt, to_size: BigInt | None = None
    ) -> AuditConsistency | None:
        ctx: Context = info.context
        low, high = _size(from_size, "fromSize") or 0, _size(to_size, "toSize")
        if high is not None and low > high:
            raise RuleError(
                Code.INVALID_INPUT,
                "`fromSize` must not exceed `toSize`: a consistency proof goes from an older "
                "(smaller) tree to a newer one.",
                field="fromSize",
                rule="RFC 9162 §2.1.4",
            )
        with ctx.platform.engine.connect() as conn:
            try:
                found = audit_proofs.consistency(conn, _log(log_id), low, high)
            except DATA_ERRORS as damage:
                raise log_damaged(log_id, damage) from None
        if found is None:
            return None
        return AuditConsistency(
            log_id=found.log_id,
            from_size=found.from_size,
            to_size=found.to_size,
            proof=[h.hex() for h in found.proof],
            from_head=found.from_head,
            to_head=found.to_head,
        )

    @operation_field(
        "core.public",
        "Proof that the entry with this leaf hash is in the log (against the newest "
        "head, or the head at `treeSize`), e.g. the entry a verification receipt names. Null "
        "while the entry is not integrated yet (about a second). Public: it shows no content. "
        "AUDIT_LOG_DAMAGED when the log's stored subtrees cannot give it.",
    )
    def audit_inclusion_proof(
        self,
        info: strawberry.Info,
        log_id: str,
        leaf_hash: str,
        tree_size: BigInt | None = None,
    ) -> AuditInclusion | None:
        ctx: Context = info.context
        with ctx.platform.engine.connect() as conn:
            try:
                found = audit_proofs.inclusion_for_leaf(
                    conn, _log(log_id), _hex32(leaf_hash, "leafHash"), _size(tree_size, "treeSize")
                )
            except DATA_ERRORS as damage:
                raise log_damaged(log_id, damage) from None
        return AuditInclusion.of(found) if found else None
