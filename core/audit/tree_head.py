"""Signed tree heads: "log L had N entries with root hash R at time T", signed with the audit key.

Encoded like every signed artefact of the platform (core/documents/qr.py): a COSE_Sign1 message
(RFC 9052, ES256, key id in the protected header) over a CBOR map with integer keys, Base45 text
behind the prefix `TH1:`:

    1: log id (text)   2: tree size (uint)   3: root hash (32 bytes)   4: timestamp (ms since epoch)

The content is that of RFC 9162 §4.10 (log id, tree size, timestamp, root hash); the encoding is
the platform's, so the standalone verifier checks it with the same code as a QR payload. The audit
keys are published in the JWKS with `purpose: "audit"`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from core.documents.qr import QrFormatError, parse_payload, sign_payload
from verifier.codec import TREE_HEAD

PREFIX = "TH1:"
C_LOG, C_SIZE, C_ROOT, C_TIME = 1, 2, 3, 4


@dataclass(frozen=True)
class TreeHead:
    log_id: str
    tree_size: int
    root_hash: bytes
    timestamp_ms: int

    @property
    def at(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self.timestamp_ms / 1000, dt.UTC)


def sign_tree_head(head: TreeHead, key: Any) -> str:
    """`TH1:` text of `head`, signed by `key` (the ACTIVE audit key)."""
    return sign_payload(
        PREFIX,
        {
            C_LOG: head.log_id,
            C_SIZE: head.tree_size,
            C_ROOT: head.root_hash,
            C_TIME: head.timestamp_ms,
        },
        key,
    )


def verify_tree_head(text: str, keys: Any) -> TreeHead | None:
    """The tree head in `text` if it is well formed and signed by a published audit key."""
    try:
        parsed = parse_payload(text, PREFIX, TREE_HEAD)
    except QrFormatError:
        return None
    key = keys.verifying_key(parsed.kid, "audit")
    if key is None or not key.verify(parsed.signature, parsed.signed_bytes):
        return None
    return _head_of(parsed.claims)


def read_tree_head(text: str) -> TreeHead | None:
    """The tree head in `text` if it is well formed, its signature NOT checked: for showing what
    the platform itself stored (e.g. its timestamp), never for trusting it."""
    try:
        return _head_of(parse_payload(text, PREFIX, TREE_HEAD).claims)
    except QrFormatError:
        return None


def _head_of(claims: dict[int, Any]) -> TreeHead | None:
    try:
        head = TreeHead(
            str(claims[C_LOG]), int(claims[C_SIZE]), bytes(claims[C_ROOT]), int(claims[C_TIME])
        )
    except (KeyError, TypeError, ValueError):
        return None
    if len(head.root_hash) != 32 or head.tree_size < 0:
        return None
    return head
