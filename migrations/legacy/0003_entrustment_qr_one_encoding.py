"""online entrustments: stored QR texts rewritten to their one valid encoding

Since signed texts are decoded strictly (verifier/codec.py: deterministic CBOR, low-S ECDSA
signatures), an entrustment QR signed before that change with a high S value no longer verifies,
although the entrustment is genuine. ECDSA's (r, s) and (r, n - s) are the same signature, so the
stored text is rewritten with s' = n - s: no key is needed and the signed bytes do not change.
A text that is not otherwise the one valid encoding is left as it is (it was never issued by the
platform in that form) and counted in the migration's output.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import base45
import cbor2
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

PREFIX = "EN1:"
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def _low_s(text: str) -> str | None:
    """The same entrustment with a low-S signature, or None when the text needs no change."""
    from verifier import codec

    try:
        message = cbor2.loads(base45.b45decode(text[len(PREFIX) :]))
        protected, unprotected, payload, signature = message.value
    except Exception:  # noqa: BLE001 - not ours to repair
        return None
    s = int.from_bytes(signature[32:], "big")
    if len(signature) != 64 or s <= P256_N // 2:
        return None
    fixed = signature[:32] + (P256_N - s).to_bytes(32, "big")
    rebuilt = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, fixed]))
    candidate = PREFIX + base45.b45encode(rebuilt).decode()
    try:
        codec.parse(candidate, PREFIX)
    except codec.MalformedPayload:
        return None
    return candidate


def upgrade() -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, qr FROM online_entrustment_grants WHERE qr IS NOT NULL")
    ).all()
    fixed = 0
    for row in rows:
        candidate = _low_s(row.qr)
        if candidate is not None:
            conn.execute(
                sa.text("UPDATE online_entrustment_grants SET qr = :qr WHERE id = :id"),
                {"qr": candidate, "id": row.id},
            )
            fixed += 1
    print(f"entrustment QR texts rewritten with a low-S signature: {fixed} of {len(rows)}")


def downgrade() -> None:
    """Nothing to undo: both encodings carry the same signature."""
