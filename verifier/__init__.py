"""Standalone partner verifier for every signed artefact the platform hands out: the QR credentials
(DL1:, VL1:, DC1:), the receipts of online verifications (VR2:, and VR1: issued earlier), status
lists, the trust list (TL1:) and audit tree heads (TH1:); `verifier.codec` is the one strict
decoder of every signed text, shared with the platform.

Depends only on `cryptography` and `cbor2`; runs without the server and without the
`core` package. A handheld or a partner loads the published keys (JWKS or a signed trust list) and
the signed status lists once, caches them, and verifies offline:

    from verifier import TrustStore, Verifier
    store = TrustStore.from_jwks(jwks_json)
    v = Verifier(store)
    v.add_status_list(status_list_text)
    answer = v.verify(qr_text, now=time.time())
    answer.verdict        # ACCEPT | REJECT | INCONCLUSIVE
    answer.established    # what was checked: signature, key id, payload age, list age, status

The answer never says a bare "valid": it says what was established and what was not.
"""

from verifier.verify import Answer, TrustStore, Verifier, VerifierError

__all__ = ["Answer", "TrustStore", "Verifier", "VerifierError"]
