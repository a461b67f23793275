"""An e-vehicle licence payload (VL1:) has exactly one valid encoding (issue 12, item 5): any other
encoding is MALFORMED, online (`eVehicleLicenceVerify`) and in the offline verifier."""

from __future__ import annotations

from tests.signed_variants import all_variants, signature_holds
from verifier import TrustStore, Verifier

from .helpers import VERIFY, issue, payload


def test_other_encodings_of_a_payload_are_malformed(make_env):
    env = make_env(["e_vehicle_licence"], now="2024-09-02")
    issue(env)
    text = payload(env)
    signer = env.platform.keys.active("document")
    handheld = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json()))
    now = env.clock.now().timestamp()
    for name, variant in all_variants(text, "VL1:", signer).items():
        assert signature_holds(variant, "VL1:", signer) or name == "leading space", name
        for who in ("road_officer", env.refs["insurer"]):
            v = env.data(VERIFY, {"p": variant}, as_=who)["eVehicleLicenceVerify"]
            assert v["errors"] == [] and v["verification"]["reasons"] == ["MALFORMED"], name
            assert not v["verification"]["accepted"] and v["verification"]["vehicle"] is None
        assert handheld.verify(variant, now=now).reasons == ["MALFORMED"], name
    v = env.data(VERIFY, {"p": text}, as_="road_officer")["eVehicleLicenceVerify"]
    assert v["verification"]["accepted"]
