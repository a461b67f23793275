"""A truck pass code (TP1:) has exactly one valid encoding (issue 12, item 5): any other encoding
an officer scans, even one whose signature verifies, is MALFORMED."""

from __future__ import annotations

from tests.signed_variants import all_variants, signature_holds

from .helpers import APPROVE, PLUGINS, VERIFY, apply, ready_city


def test_other_encodings_of_a_pass_code_are_malformed(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    application = apply(env, ready_city(env))["application"]
    approved = env.data(APPROVE, {"id": application["id"]}, as_="clerk")
    qr = approved["truckPassApplicationApprove"]["code"]["qr"]
    signer = env.platform.keys.active("document")
    for name, variant in all_variants(qr, "TP1:", signer).items():
        assert signature_holds(variant, "TP1:", signer) or name == "leading space", name
        got = env.data(VERIFY, {"qr": variant}, as_="road_officer")["truckPassVerify"]
        assert not got["valid"] and got["reason"] == "MALFORMED" and got["plate"] is None, name
    got = env.data(VERIFY, {"qr": qr}, as_="road_officer")["truckPassVerify"]
    assert got["valid"] and got["reason"] == "OK"
