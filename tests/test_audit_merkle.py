"""RFC 9162 Merkle trees: the platform's own code against the RFC 6962 test vectors (as published
by transparency-dev/merkle, testonly/constants.go) and against the independent `pymerkle`."""

from __future__ import annotations

import hashlib

import pytest
from pymerkle import InmemoryTree

from core.audit import merkle

LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {  # (leaf index, tree size) -> audit path
    (0, 8): [
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    (5, 8): [
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
}
CONSISTENCY = {  # (old size, new size) -> proof
    (6, 8): [
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    ],
    (2, 5): [
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
    ],
}


class Store:
    """Builds the stored complete subtrees by appending, as the sequencer does."""

    def __init__(self) -> None:
        self.hashes: dict[merkle.Node, bytes] = {}
        self.frontier: dict[merkle.Node, bytes] = {}
        self.size = 0

    def append(self, leaf_hashes: list[bytes]) -> None:
        for offset, h in enumerate(leaf_hashes):
            self.hashes[(0, self.size + offset)] = h
        self.frontier, created = merkle.append_leaves(self.size, self.frontier, leaf_hashes)
        self.hashes.update(created)
        self.size += len(leaf_hashes)


def _store(entries: list[bytes], batch: int = 3) -> Store:
    store = Store()
    hashes = [merkle.leaf_hash(e) for e in entries]
    for i in range(0, len(hashes), batch):
        store.append(hashes[i : i + batch])
    return store


def test_roots_match_the_rfc6962_vectors():
    assert merkle.EMPTY_ROOT.hex() == ROOTS[0]
    for batch in (1, 2, 3, 8):
        store = _store(LEAVES, batch)
        for size in range(1, 9):
            assert merkle.root_hash(size, store.hashes).hex() == ROOTS[size]


def test_proofs_match_the_rfc6962_vectors():
    store = _store(LEAVES)
    for (index, size), path in INCLUSION.items():
        assert [h.hex() for h in merkle.inclusion_proof(index, size, store.hashes)] == path
        leaf = merkle.leaf_hash(LEAVES[index])
        root = bytes.fromhex(ROOTS[size])
        assert merkle.verify_inclusion(leaf, index, size, [bytes.fromhex(p) for p in path], root)
    for (old, new), path in CONSISTENCY.items():
        assert [h.hex() for h in merkle.consistency_proof(old, new, store.hashes)] == path
        assert merkle.verify_consistency(
            old,
            new,
            bytes.fromhex(ROOTS[old]),
            bytes.fromhex(ROOTS[new]),
            [bytes.fromhex(p) for p in path],
        )


def _pymerkle(entries: list[bytes]) -> InmemoryTree:
    tree = InmemoryTree(algorithm="sha256")  # RFC 9162 prefixes ("security" mode) by default
    for entry in entries:
        tree.append_entry(entry)
    return tree


ENTRIES = [hashlib.sha256(f"event-{i}".encode()).digest()[: 1 + i % 31] for i in range(70)]


def test_roots_and_proofs_agree_with_pymerkle():
    """pymerkle is an independent RFC 9162 implementation: same roots, and its verifier accepts
    our audit paths (its proofs carry the leaf hash first, then the same path)."""
    from pymerkle.proof import InclusionProof

    reference = _pymerkle(ENTRIES)
    store = _store(ENTRIES, batch=7)
    for size in range(1, len(ENTRIES) + 1):
        root = merkle.root_hash(size, store.hashes)
        assert root == reference.get_root(size)
        for index in range(size):
            ours = merkle.inclusion_proof(index, size, store.hashes)
            theirs = reference.prove_inclusion(index + 1, size)  # pymerkle counts from 1
            assert theirs.path[1:] == ours
            assert merkle.verify_inclusion(store.hashes[(0, index)], index, size, ours, root)
            assert isinstance(theirs, InclusionProof)


def test_consistency_proofs_verify_for_every_pair_and_pymerkle_agrees_on_roots():
    from pymerkle import verify_consistency as pm_verify

    reference = _pymerkle(ENTRIES[:40])
    store = _store(ENTRIES[:40], batch=5)
    for new in range(1, 41):
        new_root = merkle.root_hash(new, store.hashes)
        for old in range(0, new + 1):
            old_root = merkle.root_hash(old, store.hashes)
            proof = merkle.consistency_proof(old, new, store.hashes)
            assert merkle.verify_consistency(old, new, old_root, new_root, proof)
            if 0 < old < new:
                pm_verify(
                    reference.get_root(old),
                    reference.get_root(new),
                    reference.prove_consistency(old, new),
                )
                assert old_root == reference.get_root(old)


@pytest.mark.parametrize("size", [2, 5, 8, 13, 33])
def test_tampered_proofs_fail(size):
    store = _store(ENTRIES[:size])
    root = merkle.root_hash(size, store.hashes)
    for index in range(size):
        leaf = store.hashes[(0, index)]
        proof = merkle.inclusion_proof(index, size, store.hashes)
        assert not merkle.verify_inclusion(leaf, index, size, proof[:-1], root)
        assert not merkle.verify_inclusion(leaf, index, size, [*proof, b"\x00" * 32], root)
        assert not merkle.verify_inclusion(leaf, (index + 1) % size, size, proof, root) or (
            store.hashes[(0, (index + 1) % size)] == leaf
        )
        flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
        assert not merkle.verify_inclusion(leaf, index, size, flipped, root)
    for old in range(1, size):
        proof = merkle.consistency_proof(old, size, store.hashes)
        old_root = merkle.root_hash(old, store.hashes)
        assert not merkle.verify_consistency(old, size, old_root, root, proof[:-1])
        assert not merkle.verify_consistency(old, size, root, root, proof)
        assert not merkle.verify_consistency(old, size, old_root, root, [*proof, b"\x01" * 32])


def test_out_of_range_requests_are_refused():
    store = _store(ENTRIES[:5])
    with pytest.raises(ValueError):
        merkle.inclusion_proof(5, 5, store.hashes)
    with pytest.raises(ValueError):
        merkle.consistency_proof(6, 5, store.hashes)
    assert not merkle.verify_inclusion(b"\x00" * 32, -1, 5, [], merkle.root_hash(5, store.hashes))


def test_the_sequencer_reads_a_detail_orjson_refuses_as_before():
    """Details are parsed with orjson; what only the standard parser reads (NaN, stored by
    SQLAlchemy's JSON type) still gives the entry the request path would have hashed."""
    import math

    from core.audit.entries import detail_from_text

    assert detail_from_text('{"a": [1, "电子"]}') == {"a": [1, "电子"]}
    assert math.isnan(detail_from_text('{"x": NaN}')["x"])
    assert detail_from_text(None) is None
    with pytest.raises(ValueError):  # a damaged row: audit-verify names it (tests/test_audit.py)
        detail_from_text("{not json")
