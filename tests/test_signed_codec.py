"""The strict codec of every signed text (verifier/codec.py), against the RFC examples, and the
one-valid-encoding rule for each format the platform issues or accepts (issue 12, item 5).

The same formats are tested through the GraphQL API and the offline verifier in the plugins'
tests (test_canonical_payloads.py in e_driving_licence, e_vehicle_licence, ...)."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from core.documents.keys import LoadedKey
from plugins.accident_evidence.service import QR_CLAIMS as AE1
from plugins.online_entrustment.rules import QR_CLAIMS as EN1
from plugins.truck_pass.applications import QR_CLAIMS as TP1
from tests.signed_variants import P256_ORDER, all_variants, signature_holds
from verifier import codec
from verifier import status_list as token
from verifier.codec import MalformedPayload


def _b64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- RFC 9052 (COSE) ------------------------------------------------------------------------------
# The single-signer COSE_Sign1 example of RFC 9052 Appendix C.2.1 as published, with its
# intermediate ToBeSigned bytes, in the COSE working group's examples (cose-wg/Examples,
# sign1-tests/sign-pass-03.json and sign-pass-02.json for the external AAD); key "11" (P-256).
RFC_KEY_X = "usWxHK2PmfnHKwXPS54m0kTcGJ90UiglWiGahtagnv8"
RFC_KEY_Y = "IBOL-C3BttVivg-lSreASjpkttcsz-1rb7btKLv8EX4"
RFC_PAYLOAD = b"This is the content."
RFC_TBS = bytes.fromhex(
    "846A5369676E61747572653143A101264054546869732069732074686520636F6E74656E742E"
)
RFC_SIGNATURE = bytes.fromhex(
    "EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E1"
    "9F43D6C6BA654472DA301B645B293C9BA939295B97C4BDB847782BFF384C5794"
)
RFC_EXTERNAL = bytes.fromhex("11aa22bb33cc44dd55006699")
RFC_TBS_EXTERNAL = bytes.fromhex(
    "846A5369676E61747572653143A101264C11AA22BB33CC44DD5500669954546869732069732074686520636F6E74656E742E"
)
RFC_SIGNATURE_EXTERNAL = bytes.fromhex(
    "EAE868ECC176883766C5DC5BA5B8DCA25DAB3C2E56A551CE5705B793914348E1"
    "55388B10C4F1B59A6733EAB416870A945111A4B2FBDBEF33A77234B1DEFF2F9B"
)


def _rfc_key() -> ec.EllipticCurvePublicKey:
    x, y = (int.from_bytes(_b64u(v), "big") for v in (RFC_KEY_X, RFC_KEY_Y))
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def test_sig_structure_and_es256_match_the_rfc_9052_example():
    protected = codec.encode({codec.HEADER_ALG: codec.COSE_ALG_ES256})
    assert protected == bytes.fromhex("A10126")
    assert codec.sig_structure(protected, RFC_PAYLOAD) == RFC_TBS
    assert codec.es256_verify(_rfc_key(), RFC_SIGNATURE, RFC_TBS)
    assert codec.sig_structure(protected, RFC_PAYLOAD, RFC_EXTERNAL) == RFC_TBS_EXTERNAL
    assert codec.es256_verify(_rfc_key(), RFC_SIGNATURE_EXTERNAL, RFC_TBS_EXTERNAL)
    assert not codec.es256_verify(_rfc_key(), RFC_SIGNATURE, RFC_TBS_EXTERNAL)
    # the other S verifies too (ECDSA is malleable): that is why the profile demands low S
    s = int.from_bytes(RFC_SIGNATURE[32:], "big")
    assert s > P256_ORDER // 2
    other = codec.low_s(RFC_SIGNATURE)
    assert other != RFC_SIGNATURE and codec.es256_verify(_rfc_key(), other, RFC_TBS)


def test_the_rfc_example_is_valid_cose_but_not_the_platform_profile():
    """RFC 9052 allows the kid unprotected; the platform's one encoding has it protected."""
    import base45
    import cbor2

    message = cbor2.dumps(
        cbor2.CBORTag(18, [bytes.fromhex("A10126"), {4: b"11"}, RFC_PAYLOAD, RFC_SIGNATURE])
    )
    text = "DL1:" + base45.b45encode(message).decode()
    with pytest.raises(MalformedPayload):
        codec.parse(text, "DL1:")


# --- RFC 8949 (CBOR) ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "hex_"),
    [  # RFC 8949 Appendix A
        (0, "00"),
        (23, "17"),
        (24, "1818"),
        (100, "1864"),
        (1000, "1903e8"),
        (1000000, "1a000f4240"),
        (1000000000000, "1b000000e8d4a51000"),
        (18446744073709551615, "1bffffffffffffffff"),
        (-1, "20"),
        (-1000, "3903e7"),
        (-18446744073709551616, "3bffffffffffffffff"),
        (b"", "40"),
        (bytes.fromhex("01020304"), "4401020304"),
        ("IETF", "6449455446"),
        ("\u00fc", "62c3bc"),
        ([1, [2, 3], [4, 5]], "8301820203820405"),
        ({1: 2, 3: 4}, "a201020304"),
        ({"a": 1, "b": [2, 3]}, "a26161016162820203"),
        # RFC 8949 §4.2.1: keys sorted bytewise by their encoding (not shortest first as in
        # RFC 7049 §3.9, which would put -1 before 100)
        ({"aa": 0, "z": 0, -1: 0, 100: 0, 10: 0}, "a50a00186400200061 7a00626161 00"),
    ],
)
def test_deterministic_encoding_and_decoding(value, hex_):
    data = bytes.fromhex(hex_.replace(" ", ""))
    assert codec.encode(value) == data
    assert codec.decode(data) == value


@pytest.mark.parametrize(
    ("name", "hex_"),
    [
        ("23 in two bytes", "1817"),
        ("1000 in five bytes", "1a000003e8"),
        ("1 in nine bytes", "1b0000000000000001"),
        ("length in two bytes", "580101"),
        ("indefinite byte string", "5f4101ff"),
        ("indefinite text string", "7f6161ff"),
        ("indefinite array", "9f01ff"),
        ("indefinite map", "bf0102ff"),
        ("unsorted keys", "a202000100"),
        ("duplicate keys", "a201000100"),
        ("trailing byte", "0000"),
        ("two items", "0102"),
        ("half-precision float", "f93c00"),
        ("double float", "fb3ff8000000000000"),
        ("true", "f5"),
        ("null", "f6"),
        ("undefined", "f7"),
        ("simple value", "f0"),
        ("epoch date tag", "c11a514b67b0"),
        ("bignum for a small number", "c24101"),
        ("bignum beyond 64 bits", "c249010000000000000000"),
        ("invalid UTF-8", "62fffe"),
        ("truncated", "1903"),
        ("empty", ""),
        ("array key", "a1810100"),
    ],
)
def test_any_other_encoding_is_malformed(name, hex_):
    with pytest.raises(MalformedPayload):
        codec.decode(bytes.fromhex(hex_))


def test_the_rfc_7049_order_differs_and_is_refused():
    assert codec.encode({-1: 0, 100: 0}) == bytes.fromhex("a2 186400 2000".replace(" ", ""))
    with pytest.raises(MalformedPayload):
        codec.decode(bytes.fromhex("a22000186400"))  # -1 first: shortest key first (RFC 7049)


@pytest.mark.parametrize("value", [1.5, True, None, float("nan"), 1 << 64, {(1,): 2}, {True: 1}])
def test_values_outside_the_data_model_are_not_encoded(value):
    with pytest.raises(ValueError):
        codec.encode({1: value} if not isinstance(value, dict) else value)


# --- RFC 9285 (Base45) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_rfc_9285_examples(raw, text):
    assert codec.b45decode(text) == raw


@pytest.mark.parametrize(
    "text",
    ["GGW", "bb8", "BB8\n", "BB8 \n", "B", "BB", "BB8=", "ＢB8", "BB8\t", "BB8\r\n", "\nBB8"],
)
def test_base45_other_texts_are_malformed(text):
    with pytest.raises(MalformedPayload):
        codec.b45decode(text)


# --- every signed format --------------------------------------------------------------------------
def _key() -> LoadedKey:
    private = ec.generate_private_key(ec.SECP256R1())
    return LoadedKey("Dtest001", "document", "ACTIVE", private.public_key(), private)


CREDENTIAL = {1: "DL", 2: b"0123456789", 3: [1, 4711], 4: 1725250000, 6: 1725249820,
              7: b"abcd", 8: 32, 9: 0, 10: 20300701}  # fmt: skip
FORMATS = {
    "DL1:": (codec.credential_shape("DL"), CREDENTIAL),
    "VL1:": (codec.credential_shape("VL"), {**CREDENTIAL, 1: "VL", 8: "K33"}),
    "DC1:": (codec.credential_shape("DC"), {**CREDENTIAL, 1: "DC", 8: "K33"}),
    "SL1:": (codec.STATUS_LIST, {1: 0, 2: 2, 3: 1024, 4: b"x\x9c", 5: 1725249820, 6: 3600}),
    "SL2:": (
        token.STATUS_LIST_TOKEN,
        {
            2: "urn:traffic-admin:status-list:3",
            6: 1725249820,
            65533: {"bits": 2, "lst": b"x\x9c"},
            65534: 3600,
        },
    ),
    "TL1:": (codec.TRUST_LIST, {1: '[{"kid":"Dtest001"}]'}),
    "VR1:": (
        codec.RECEIPT,
        {
            1: "R1",
            2: "AAAA",
            3: "P1",
            4: 1725249820,
            5: "ACCEPTED",
            6: {"status": "VALID"},
            7: "理赔",
            8: "VALID",
        },
    ),  # fmt: skip
    "EN1:": (EN1, {1: "G1", 2: "TRANSFER", 3: "320100", 4: "2021-07-31", 5: "2021-07-01"}),
    "TP1:": (TP1, {1: "C1", 2: "苏A12345", 3: "320100", 4: "P1", 5: "2024-09-02", 6: "2024-10-31"}),
    "AE1:": (AE1, {1: "320100-2024-001", 2: "R1", 3: "320100", 4: "2024-09-02"}),
}


@pytest.mark.parametrize("prefix", sorted(FORMATS))
def test_each_format_has_exactly_one_valid_encoding(prefix):
    shape, claims = FORMATS[prefix]
    key = _key()
    text = codec.issue(prefix, key.kid, claims, key.sign, typ=shape.typ)
    parsed = codec.parse(text, prefix, shape=shape)
    assert parsed.claims == claims and parsed.kid == key.kid
    assert key.verify(parsed.signature, parsed.signed_bytes)
    variants = all_variants(text, prefix, key)
    assert len(variants) >= 20
    for name, variant in variants.items():
        assert variant != text
        assert signature_holds(variant, prefix, key) or name == "leading space", name
        with pytest.raises(MalformedPayload):
            codec.parse(variant, prefix, shape=shape)
            pytest.fail(f"{prefix} {name} was accepted")


def test_a_typed_format_needs_its_typ_header_and_an_untyped_one_refuses_it():
    key = _key()
    shape, claims = FORMATS["SL2:"]
    untyped = codec.issue("SL2:", key.kid, claims, key.sign)
    other = codec.issue("SL2:", key.kid, claims, key.sign, typ="application/cwt")
    for text in (untyped, other):
        with pytest.raises(MalformedPayload):
            codec.parse(text, "SL2:", shape=shape)
    typed = codec.issue("TL1:", key.kid, FORMATS["TL1:"][1], key.sign, typ=token.STATUS_LIST_TYP)
    with pytest.raises(MalformedPayload):
        codec.parse(typed, "TL1:", shape=codec.TRUST_LIST)


def test_signatures_are_issued_with_low_s():
    key = _key()
    for n in range(40):
        parsed = codec.parse(codec.issue("TL1:", key.kid, {1: str(n)}, key.sign), "TL1:")
        assert int.from_bytes(parsed.signature[32:], "big") <= P256_ORDER // 2


def test_claims_of_another_shape_are_malformed():
    key = _key()
    text = codec.issue("DL1:", key.kid, {**CREDENTIAL, 1: "VL"}, key.sign)  # a VL under DL1:
    with pytest.raises(MalformedPayload):
        codec.parse(text, "DL1:", shape=codec.credential_shape("DL"))
    text = codec.issue("DL1:", key.kid, {**CREDENTIAL, 4: "1725250000"}, key.sign)
    with pytest.raises(MalformedPayload):
        codec.parse(text, "DL1:", shape=codec.credential_shape("DL"))
    with pytest.raises(ValueError):
        codec.issue("DL1:", key.kid, {**CREDENTIAL, 9: True}, key.sign)


def test_base45_agrees_with_the_reference_package_for_every_length():
    """The codec's table-driven Base45 (RFC 9285) equals the `base45` package both ways, and
    refuses what the strict decoder must (out-of-range groups, a length of 1 mod 3)."""
    import os

    import base45
    import pytest

    from verifier import codec

    for n in range(0, 70):
        for _ in range(5):
            data = os.urandom(n)
            text = base45.b45encode(data).decode()
            assert codec.b45encode(data) == text
            assert codec.b45decode(text) == data
    for bad in ("GGW", "::", "A", "ABCD"):  # 65535 < GGW; '::' is 2024 > 255; lengths 1 mod 3
        with pytest.raises(codec.MalformedPayload):
            codec.b45decode(bad)


def test_map_keys_sort_as_their_encodings_do():
    """codec orders map keys without encoding them (`_key_order`); the order must be the bytewise
    order of the keys' deterministic encodings (RFC 8949 §4.2.1), which cbor2 produces, over keys
    on both sides of every head-length boundary, negative ones and texts of every head length."""
    import random

    import cbor2

    rng = random.Random(9052)
    ints = [0, 1, 23, 24, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**64 - 1]
    ints += [-1 - n for n in ints] + [rng.randrange(-(2**64), 2**64) for _ in range(300)]
    texts = ["", "a", "b", "aa", "z" * 23, "a" * 24, "é", "电子", "x" * 255, "x" * 256]
    texts += ["".join(rng.choice("aé电z") for _ in range(rng.randrange(0, 30))) for _ in range(300)]
    keys = list(dict.fromkeys(ints + texts))
    rng.shuffle(keys)
    expected = sorted(keys, key=cbor2.dumps)
    assert sorted(keys, key=codec._key_order) == expected
    encoded = codec.encode({key: 0 for key in keys})
    assert list(cbor2.loads(encoded)) == expected
