"""An entrustment QR (EN1:) has exactly one valid encoding (issue 12, item 5): any other encoding
that a scan presents, even one whose signature verifies, is MALFORMED, trailing whitespace too."""

from __future__ import annotations

from tests.signed_variants import all_variants, signature_holds

from .helpers import PLUGINS, SCAN, created


def test_other_encodings_of_an_entrustment_qr_are_malformed(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(env)
    signer = env.platform.keys.active("document")
    variants = all_variants(grant["qr"], "EN1:", signer)
    variants["carriage return from a barcode gun"] = grant["qr"] + "\r"
    variants["trailing space"] = grant["qr"] + " "
    for name, variant in variants.items():
        assert signature_holds(variant, "EN1:", signer) or "space" in name or "\r" in variant
        scanned = env.data(SCAN, {"qr": variant}, as_="clerk")["entrustmentScan"]
        assert scanned == {"valid": False, "reason": "MALFORMED", "entrustment": None}, name
    scanned = env.data(SCAN, {"qr": grant["qr"]}, as_="clerk")["entrustmentScan"]
    assert scanned["valid"] and scanned["entrustment"]["id"] == grant["id"]
