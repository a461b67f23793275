"""Offline checks of the platform's audit log (RFC 9162 design, as in Certificate Transparency).

- `AuditKeys.from_jwks(jwks)`: the audit keys (`purpose: "audit"`) of /.well-known/jwks.json.
- `verify_tree_head(text, keys)`: a signed tree head `TH1:...` (COSE_Sign1, ES256, CBOR claims
  1 log id, 2 tree size, 3 root hash, 4 timestamp ms) -> `TreeHead`, or VerifierError.
- `leaf_hash(entry)`: SHA-256(0x00 ‖ entry) for the entry text `myAuditTrail` shows.
- `verify_inclusion(...)` / `verify_consistency(...)`: RFC 9162 §2.1.3.2 and §2.1.4.2.

A citizen's app (or anyone) checks that an event shown to them is in the log, and, keeping the tree
heads it has seen, that the log only ever grew. Independent of the platform's `core` package, like
the rest of this verifier; the tests check it against the independent `pymerkle` as well.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec

from verifier import codec
from verifier.verify import VerifierError, _b64u, _check, _parse

TREE_HEAD_PREFIX = "TH1:"


@dataclass(frozen=True)
class TreeHead:
    log_id: str
    tree_size: int
    root_hash: bytes
    timestamp_ms: int
    kid: str


class AuditKeys:
    """The audit-log signing keys a verifier trusts, by key id."""

    def __init__(self, keys: dict[str, ec.EllipticCurvePublicKey] | None = None) -> None:
        self.keys = dict(keys or {})

    @classmethod
    def from_jwks(cls, jwks: dict[str, Any] | str) -> AuditKeys:
        try:
            data = json.loads(jwks) if isinstance(jwks, str) else jwks
            store = cls()
            for jwk in data["keys"]:
                if jwk.get("purpose") != "audit" or jwk.get("status") in ("retired", "next"):
                    continue
                if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
                    continue
                x = int.from_bytes(_b64u(jwk["x"]), "big")
                y = int.from_bytes(_b64u(jwk["y"]), "big")
                store.keys[jwk["kid"]] = ec.EllipticCurvePublicNumbers(
                    x, y, ec.SECP256R1()
                ).public_key()
        except (KeyError, TypeError, ValueError) as exc:
            raise VerifierError("not a JWKS") from exc
        return store


def verify_tree_head(text: str, keys: AuditKeys) -> TreeHead:
    """The tree head in `text`, or VerifierError when it is malformed or not validly signed."""
    kid, claims, signed, signature = _parse(text, TREE_HEAD_PREFIX, codec.TREE_HEAD)
    key = keys.keys.get(kid)
    if key is None:
        raise VerifierError("tree head signed by an unknown key")
    if not _check(key, signature, signed):
        raise VerifierError("tree head signature does not verify")
    try:
        head = TreeHead(str(claims[1]), int(claims[2]), bytes(claims[3]), int(claims[4]), kid)
    except (KeyError, TypeError, ValueError) as exc:
        raise VerifierError("bad tree head") from exc
    if len(head.root_hash) != 32 or head.tree_size < 0:
        raise VerifierError("bad tree head")
    return head


def leaf_hash(entry: str | bytes) -> bytes:
    data = entry.encode() if isinstance(entry, str) else entry
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def verify_inclusion(leaf: bytes, index: int, size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 §2.1.3.2."""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _node(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 (with the trivial cases: equal sizes, or an empty old tree)."""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    if not path:
        return False
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _node(c, fr)
            sr = _node(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _node(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


def check_event(
    entry: str, inclusion: dict[str, Any] | None, keys: AuditKeys
) -> tuple[bool, TreeHead | None, str]:
    """Check one `myAuditTrail` node offline: its `entry` text and its `inclusion` object (as the
    API returns them: hex hashes, signed tree head). Returns (ok, tree head, reason); never
    raises for what the API (or a forger) could send."""
    if inclusion is None:
        return False, None, "no inclusion proof yet (the log integrates an event within seconds)"
    if not isinstance(entry, str | bytes) or not isinstance(inclusion, dict):
        return False, None, "malformed entry or proof (entry text and inclusion object expected)"
    try:
        head = verify_tree_head(inclusion["treeHead"], keys)
    except (KeyError, TypeError) as exc:
        return False, None, f"malformed proof (no tree head: {exc})"
    except VerifierError as exc:
        return False, None, f"tree head not accepted: {exc}"
    try:
        path = [bytes.fromhex(h) for h in inclusion["auditPath"]]
        index, size = int(inclusion["leafIndex"]), int(inclusion["treeSize"])
    except (KeyError, TypeError, ValueError) as exc:
        return False, head, f"malformed proof ({type(exc).__name__}: {exc})"
    if head.tree_size != size or head.log_id != inclusion.get("logId", head.log_id):
        return False, head, "the proof is not for this tree head"
    if leaf_hash(entry).hex() != inclusion.get("leafHash", leaf_hash(entry).hex()):
        return False, head, "the entry does not match the proven leaf"
    if not verify_inclusion(leaf_hash(entry), index, size, path, head.root_hash):
        return False, head, "the audit path does not lead to the signed root"
    return True, head, "OK"


def check_consistency(
    kept_head: str | TreeHead | dict[str, Any],
    answer: dict[str, Any] | None,
    keys: AuditKeys,
) -> tuple[bool, str]:
    """Check an `auditConsistencyProof` answer offline against the tree head you kept: both heads
    are validly signed, of the same log, the answer starts at the kept head's size, and the proof
    shows the newer tree extends the kept one (RFC 9162 §2.1.4.2). The sizes and roots are taken
    from the signed heads, never from the answer's own numbers. Returns (ok, reason).

    `kept_head` is the signed text (`TH1:…`: an `AuditTreeHead`'s `signed`, or an inclusion
    proof's `treeHead`), an `AuditTreeHead` object as the API returns it (its `signed` is
    checked), or the `TreeHead` that `check_event` or `verify_tree_head` returned (checked then)."""
    if isinstance(kept_head, TreeHead):
        old = kept_head
    else:
        if isinstance(kept_head, dict):
            kept_head = kept_head.get("signed")  # type: ignore[assignment]
        try:
            old = verify_tree_head(kept_head, keys)  # type: ignore[arg-type]
        except VerifierError as exc:
            return False, f"the kept tree head is not accepted: {exc}"
    if not isinstance(answer, dict):
        return False, "no proof (no signed tree head of one of the sizes asked for)"
    try:
        new = verify_tree_head(answer["toHead"], keys)
        proof = [bytes.fromhex(h) for h in answer["proof"]]
    except (KeyError, TypeError, ValueError) as exc:
        return False, f"malformed proof ({type(exc).__name__}: {exc})"
    except VerifierError as exc:
        return False, f"the newer tree head is not accepted: {exc}"
    if new.log_id != old.log_id:
        return False, f"the heads are of different logs ({old.log_id}, {new.log_id})"
    if answer.get("fromSize", old.tree_size) != old.tree_size:
        return False, "the proof starts at another size than the kept head"
    if new.tree_size < old.tree_size:
        return False, "the newer head is smaller than the kept one: the log shrank"
    if not verify_consistency(old.tree_size, new.tree_size, old.root_hash, new.root_hash, proof):
        return False, "the newer tree does not extend the kept one (history was rewritten)"
    return True, "OK"
