"""audit log as a transparency log: events per log, Merkle leaves and nodes, signed tree heads

The hash chain (prev_hash / hash on every event, signed checkpoints) is replaced by one Merkle tree
per log (RFC 9162), built by the sequencer. Before anything changes, the old chain is verified; a
broken chain stops the migration (naming the event), so no tampering is laundered into the new
log. Existing events keep their seq, get an id (`LEGACY` + seq) and a log, and become the first
leaves of their logs when the sequencer next runs (their txn is 0, so they come first).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import datetime as dt
import hashlib

import orjson
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NATIONAL = "national"
_OLD_FIELDS = (
    "at",
    "actor_account_id",
    "actor_kind",
    "actor_role",
    "jurisdiction",
    "action",
    "measure",
    "subject_person_id",
    "subject_ref",
    "outcome",
    "detail",
)


def _verify_old_chain(conn: sa.Connection) -> None:
    prev = "0" * 64
    rows = conn.execute(sa.text("SELECT * FROM audit_events ORDER BY seq")).mappings()
    for row in rows:
        body = {name: row[name] for name in _OLD_FIELDS}
        at = row["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        body["at"] = at.isoformat(timespec="microseconds")
        detail = body["detail"]
        if isinstance(detail, str):
            body["detail"] = orjson.loads(detail)
        canonical = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        digest = hashlib.sha256(prev.encode() + canonical).hexdigest()
        if row["prev_hash"] != prev or row["hash"] != digest:
            raise RuntimeError(
                f"the audit hash chain is broken at event {row['seq']}: run `audit-verify` on the "
                "previous release and investigate before migrating"
            )
        prev = row["hash"]


def _province(code: str | None) -> str | None:
    if code and len(code) >= 2 and code[:2].isdigit():
        return code[:2] + "0000"
    return None


def _backfill(conn: sa.Connection) -> None:
    partners = {
        r.id: r.province_code
        for r in conn.execute(sa.text("SELECT id, province_code FROM partner_orgs"))
    }
    homes = {
        r.id: r.domicile_city
        for r in conn.execute(
            sa.text(
                "SELECT a.id AS id, p.domicile_city AS domicile_city FROM accounts a "
                "JOIN persons p ON p.id = a.person_id"
            )
        )
    }
    rows = conn.execute(
        sa.text("SELECT seq, actor_kind, jurisdiction, actor_account_id FROM audit_events")
    ).all()
    for row in rows:
        if row.actor_kind == "STAFF":
            log = _province((row.jurisdiction or "").split("/")[0])
        elif row.actor_kind == "PARTNER":
            log = _province(partners.get(row.jurisdiction or ""))
        elif row.actor_kind == "CITIZEN":
            log = _province(homes.get(row.actor_account_id or ""))
        else:
            log = None
        conn.execute(
            sa.text("UPDATE audit_events SET uid = :uid, log_id = :log, txn = 0 WHERE seq = :seq"),
            {"uid": f"LEGACY{row.seq:010d}", "log": log or NATIONAL, "seq": row.seq},
        )


def upgrade() -> None:
    conn = op.get_bind()
    postgres = conn.dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    _verify_old_chain(conn)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sqlmodel.sql.sqltypes.AutoString(length=16)))
        batch_op.add_column(sa.Column("log_id", sqlmodel.sql.sqltypes.AutoString(length=10)))
        batch_op.add_column(sa.Column("txn", sa.BigInteger(), nullable=False, server_default="0"))
    _backfill(conn)
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("uid", nullable=False)
        batch_op.alter_column("log_id", nullable=False)
        batch_op.alter_column("txn", server_default=None)
        if postgres:
            batch_op.alter_column("seq", type_=sa.BigInteger())
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("hash")
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_uid"), ["uid"])
        batch_op.create_index("ix_audit_events_log_order", ["log_id", "txn", "seq"], unique=False)
    op.drop_table("audit_checkpoints")
    op.create_table(
        "audit_leaves",
        sa.Column("log_id", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("leaf_index", sa.BigInteger(), nullable=False),
        sa.Column("event_seq", sa.BigInteger(), nullable=False),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("log_id", "leaf_index"),
        sa.UniqueConstraint("event_seq"),
    )
    with op.batch_alter_table("audit_leaves", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_leaves_leaf_hash"), ["leaf_hash"], unique=False)
    op.create_table(
        "audit_nodes",
        sa.Column("log_id", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("log_id", "level", "idx"),
    )
    op.create_table(
        "audit_tree_heads",
        sa.Column("log_id", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("tree_size", sa.BigInteger(), nullable=False),
        sa.Column("root_hash", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("kid", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("signed", sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
        sa.Column("last_txn", sa.BigInteger(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("log_id", "tree_size"),
    )
    if postgres:
        op.execute(_GUARDS_0002)


def downgrade() -> None:
    raise NotImplementedError("the transparency log cannot be turned back into a hash chain")


_GUARDS_0002 = """
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
    for t in ("audit_events", "audit_leaves", "audit_nodes", "audit_tree_heads")
)
