"""The offline verifier: a DL1:/VL1: payload whose valid-until date (claim 10) has passed is
REJECTed with DOCUMENT_EXPIRED, on China Standard Time dates; a usage error of the command line
exits 64, distinct from INCONCLUSIVE's 2."""

from __future__ import annotations

import calendar
import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from core.documents.keys import LoadedKey
from verifier import TrustStore, Verifier, codec
from verifier.__main__ import EXIT_USAGE, main
from verifier.status_list import STATUS_LIST_TOKEN

KEY = ec.generate_private_key(ec.SECP256R1())
SIGNER = LoadedKey("DTEST001", "document", "ACTIVE", KEY.public_key(), KEY)
JWKS = json.dumps({"keys": [SIGNER.jwk()]})


def _beijing(y: int, m: int, d: int, hour: int, minute: int = 0) -> int:
    """Epoch seconds of a Beijing wall-clock time."""
    return calendar.timegm((y, m, d, hour, minute, 0)) - 8 * 3600


def _payload(kind: str, valid_until: int, now: int) -> str:
    claims = {
        codec.C_KIND: kind,
        codec.C_HANDLE: b"0123456789",
        codec.C_STATUS_REF: [0, 7],
        codec.C_EXP: now + 180,
        codec.C_IAT: now,
        codec.C_NONCE: b"abcd",
        codec.C_CLASSES: 32 if kind == "DL" else "K33",
        codec.C_STATUS: 0,
        codec.C_VALID_UNTIL: valid_until,
    }
    shape = codec.credential_shape(kind)
    return codec.issue(f"{kind}1:", SIGNER.kid, claims, SIGNER.sign, typ=shape.typ)


def _status_list(now: int) -> str:
    from core.documents import status_list as sl
    from verifier import status_list as token

    claims = {
        token.CWT_SUB: sl.list_uri(0),
        token.CWT_IAT: now,
        token.CWT_TTL: 3600,
        token.CWT_STATUS_LIST: {"bits": 2, "lst": sl.encode([], 1024)},
    }
    return codec.issue(sl.PREFIX, SIGNER.kid, claims, SIGNER.sign, typ=STATUS_LIST_TOKEN.typ)


@pytest.mark.parametrize("kind", ["VL", "DL"])
def test_a_payload_past_its_valid_until_date_is_rejected(kind):
    verifier = Verifier(TrustStore.from_jwks(JWKS))
    last_day = _beijing(2025, 5, 1, 23, 59)
    verifier.add_status_list(_status_list(last_day))
    ok = verifier.verify(_payload(kind, 20250501, last_day), now=last_day)
    assert ok.verdict == "ACCEPT", ok.reasons
    # 00:30 on 2 May in Beijing is still 1 May in UTC: the date is Beijing's
    next_day = _beijing(2025, 5, 2, 0, 30)
    verifier.add_status_list(_status_list(next_day))
    late = verifier.verify(_payload(kind, 20250501, next_day), now=next_day)
    assert late.verdict == "REJECT" and late.reasons == ["DOCUMENT_EXPIRED"]
    assert late.claims["validUntil"] == 20250501
    # 0: no validity date (an e-vehicle licence without one)
    if kind == "VL":
        assert verifier.verify(_payload(kind, 0, next_day), now=next_day).verdict == "ACCEPT"


def test_usage_errors_exit_64_not_the_inconclusive_2(capsys, tmp_path):
    with pytest.raises(SystemExit) as missing:
        main([])  # no --jwks, no payload
    assert missing.value.code == EXIT_USAGE == 64
    with pytest.raises(SystemExit) as unknown:
        main(["--jwks", "x.json", "--colour", "DL1:X"])
    assert unknown.value.code == 64
    assert "usage:" in capsys.readouterr().err
    jwks = tmp_path / "jwks.json"
    jwks.write_text(JWKS)
    now = _beijing(2025, 5, 1, 12)
    text = _payload("VL", 20250501, now)
    assert main(["--jwks", str(jwks), "--now", str(now), text]) == 2  # no status list
