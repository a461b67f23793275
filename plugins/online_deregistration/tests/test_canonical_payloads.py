"""An e-deregistration certificate (DC1:) has exactly one valid encoding (issue 12, item 5): any
other encoding is MALFORMED, online (`deregistrationCertificateVerify`) and offline."""

from __future__ import annotations

from tests.signed_variants import all_variants, signature_holds
from verifier import TrustStore, Verifier

from .helpers import SHOW, VERIFY, approve


def test_other_encodings_of_a_certificate_are_malformed(make_env):
    env = make_env(["online_deregistration", "e_vehicle_licence"], now="2024-09-02")
    certificate = approve(env)["certificate"]
    text = env.data(SHOW, {"id": certificate["id"]}, as_="zhang_account")
    text = text["deregistrationCertificateShow"]["text"]
    signer = env.platform.keys.active("document")
    handheld = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json()))
    now = env.clock.now().timestamp()
    for name, variant in all_variants(text, "DC1:", signer).items():
        assert signature_holds(variant, "DC1:", signer) or name == "leading space", name
        v = env.data(VERIFY, {"p": variant}, as_=env.refs["commerce"])
        v = v["deregistrationCertificateVerify"]["verification"]
        assert not v["accepted"] and v["reasons"] == ["MALFORMED"], name
        assert handheld.verify(variant, now=now).reasons == ["MALFORMED"], name
    v = env.data(VERIFY, {"p": text}, as_=env.refs["commerce"])
    assert v["deregistrationCertificateVerify"]["verification"]["accepted"]
    assert handheld.verify(text, now=now).verdict == "INCONCLUSIVE"  # good signature, no list
