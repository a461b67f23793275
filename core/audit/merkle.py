"""Merkle Tree Hash, inclusion and consistency proofs of RFC 9162 (Certificate Transparency v2.0).

- §2.1.1: MTH({}) = SHA-256(); leaf = SHA-256(0x00 ‖ entry); node = SHA-256(0x01 ‖ left ‖ right),
  where the left subtree holds the largest power of two of leaves smaller than the whole.
- §2.1.3: an inclusion proof (audit path) for leaf `m` in a tree of `n` leaves, and its check.
- §2.1.4: a consistency proof between tree sizes `m` ≤ `n`, and its check.

The tree is not held in memory. Every node of an RFC 9162 tree that covers a power of two of leaves
is an aligned block of the leaf sequence (level `L`, index `i`: leaves `i·2^L … (i+1)·2^L - 1`), so
the log stores each such "complete subtree" once, when it fills, and any root or proof needs at most
2·log2(n) stored hashes. Proof generation works in two steps so that a caller can fetch all the
hashes it needs in one query: `*_needs(...)` lists the (level, index) keys, then the proof functions
take a mapping from those keys to hashes.

This module is checked against the RFC 6962 test vectors and against the independent `pymerkle`
implementation (tests/test_audit_merkle.py). The standalone verifier (verifier/audit.py) holds its
own copy of the two checking functions, so partners need nothing from the platform's code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

Node = tuple[int, int]  # (level, index): a complete subtree of 2**level leaves


def leaf_hash(entry: bytes) -> bytes:
    """RFC 9162 §2.1.1: SHA-256(0x00 ‖ entry)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 §2.1.1: SHA-256(0x01 ‖ left ‖ right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def _split(width: int) -> int:
    """The largest power of two smaller than `width` (width ≥ 2): the left subtree's size."""
    return 1 << ((width - 1).bit_length() - 1)


def _blocks(start: int, end: int) -> list[Node]:
    """The complete subtrees that make up the range D[start:end] of an RFC 9162 tree, left to
    right (the range must be a node of the tree, as every range met below is)."""
    blocks: list[Node] = []
    while start < end:
        width = end - start
        level = width.bit_length() - 1  # the largest power of two ≤ width
        if start & ((1 << level) - 1):
            raise ValueError(f"[{start}, {end}) is not a node of an RFC 9162 tree")
        blocks.append((level, start >> level))
        start += 1 << level
    return blocks


def range_needs(start: int, end: int) -> list[Node]:
    """Keys needed to compute MTH(D[start:end])."""
    return _blocks(start, end)


def range_hash(start: int, end: int, hashes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[start:end]) from the stored complete subtrees (RFC 9162 §2.1.1)."""
    if start == end:
        return EMPTY_ROOT
    blocks = _blocks(start, end)
    result = hashes[blocks[-1]]
    for block in reversed(blocks[:-1]):  # MTH folds from the right: node(S1, node(S2, …))
        result = node_hash(hashes[block], result)
    return result


def root_needs(size: int) -> list[Node]:
    return _blocks(0, size)


def root_hash(size: int, hashes: Mapping[Node, bytes]) -> bytes:
    """MTH(D[0:size])."""
    return range_hash(0, size, hashes)


# --- inclusion (RFC 9162 §2.1.3.1) -------------------------------------------------------------


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The sibling ranges of PATH(index, D[0:size]), from the leaf up."""
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


def inclusion_needs(index: int, size: int) -> list[Node]:
    _check_index(index, size)
    return [b for s, e in _inclusion_ranges(index, size) for b in _blocks(s, e)]


def inclusion_proof(index: int, size: int, hashes: Mapping[Node, bytes]) -> list[bytes]:
    """The audit path of leaf `index` (0-based) in the tree of `size` leaves, leaf to root."""
    _check_index(index, size)
    return [range_hash(s, e, hashes) for s, e in _inclusion_ranges(index, size)]


def verify_inclusion(
    leaf: bytes, index: int, size: int, path: Iterable[bytes], root: bytes
) -> bool:
    """RFC 9162 §2.1.3.2: does `path` prove that `leaf` (a leaf hash) is leaf `index` of the tree
    of `size` leaves whose root is `root`?"""
    if not 0 <= index < size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- consistency (RFC 9162 §2.1.4.1) -----------------------------------------------------------


def _consistency_ranges(old: int, new: int) -> list[tuple[int, int]]:
    """The ranges whose hashes form PROOF(old, D[0:new]), in proof order."""
    ranges: list[tuple[int, int]] = []

    def subproof(m: int, start: int, end: int, complete: bool) -> None:
        n = end - start
        if m == n:
            if not complete:
                ranges.append((start, end))
            return
        k = _split(n)
        if m <= k:
            subproof(m, start, start + k, complete)
            ranges.append((start + k, end))
        else:
            subproof(m - k, start + k, end, False)
            ranges.append((start, start + k))

    subproof(old, 0, new, True)
    return ranges


def consistency_needs(old: int, new: int) -> list[Node]:
    _check_sizes(old, new)
    if old == 0 or old == new:
        return []
    return [b for s, e in _consistency_ranges(old, new) for b in _blocks(s, e)]


def consistency_proof(old: int, new: int, hashes: Mapping[Node, bytes]) -> list[bytes]:
    """PROOF(old, D[0:new]): the hashes that show the tree of `old` leaves is a prefix of the tree
    of `new` leaves (empty when old is 0 or equal to new)."""
    _check_sizes(old, new)
    if old == 0 or old == new:
        return []
    return [range_hash(s, e, hashes) for s, e in _consistency_ranges(old, new)]


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2: does `proof` show that the tree (`old`, `old_root`) is a prefix of the
    tree (`new`, `new_root`)?"""
    if not 0 <= old <= new:
        return False
    if old == new:
        return not proof and old_root == new_root
    if old == 0:
        return not proof  # the empty tree is a prefix of every tree
    path = list(proof)
    if old & (old - 1) == 0:  # old is a power of two: its root is the proof's implicit first node
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
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size} leaves")


def _check_sizes(old: int, new: int) -> None:
    if not 0 <= old <= new:
        raise ValueError(f"no consistency proof from {old} to {new} leaves")


# --- appending ---------------------------------------------------------------------------------


def frontier_needs(size: int) -> list[Node]:
    """The complete subtrees on the right edge of a tree of `size` leaves (what appending needs)."""
    return _blocks(0, size)


def append_leaves(
    size: int, frontier: Mapping[Node, bytes], leaves: list[bytes]
) -> tuple[dict[Node, bytes], list[tuple[Node, bytes]]]:
    """Append leaf hashes to a tree of `size` leaves whose right edge is `frontier`.

    Returns the new frontier and every complete subtree of level ≥ 1 that the new leaves fill, in
    the order they fill (each is stored once and never changes)."""
    edge = {key: frontier[key] for key in _blocks(0, size)}
    by_level = {level: (index, digest) for (level, index), digest in edge.items()}
    created: list[tuple[Node, bytes]] = []
    position = size
    for leaf in leaves:
        carry_level, carry_index, carry = 0, position, leaf
        while carry_index & 1:  # a right child completes its parent
            _, left = by_level.pop(carry_level)
            carry = node_hash(left, carry)
            carry_level += 1
            carry_index >>= 1
            created.append(((carry_level, carry_index), carry))
        by_level[carry_level] = (carry_index, carry)
        position += 1
    new_edge = {(level, index): digest for level, (index, digest) in by_level.items()}
    return new_edge, created
