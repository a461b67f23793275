"""Show and verify: QR size and image, online verification per role, tampering, expiry, revocation,
key rotation, share codes, rate limits, seizure and local versions (through the GraphQL API)."""

import base64
import datetime as dt
import io

import zxingcpp
from PIL import Image
from sqlmodel import select

from core.documents import credentials as cred
from core.registries.licences import DrivingLicence
from core.testing_db import update_row

from ..models import EdlVerification
from .helpers import (
    LOCAL,
    LOG,
    SEIZE,
    SETTING,
    SHOW,
    TRAIL,
    issue,
    issued_payload,
    share_code,
    show,
    verify,
)


def _v(body):
    assert "errors" not in body or not body["errors"], body
    return body["data"]["eDrivingLicenceVerify"]


def test_payload_is_small_and_decodes_from_its_png(edl):
    env = edl()
    issue(env)
    qr = env.data(SHOW + "", {"n": 1}, as_="zhang_account")["eDrivingLicenceShow"]
    text = qr["payloads"][0]["text"]
    assert text.startswith("DL1:") and len(text) <= 250 and qr["qrVersion"] <= 10
    png = env.data("{ eDrivingLicenceShow { pngBase64 svg } }", as_="zhang_account")[
        "eDrivingLicenceShow"
    ]
    assert png["svg"].startswith("<svg")
    image = Image.open(io.BytesIO(base64.b64decode(png["pngBase64"])))
    decoded = zxingcpp.read_barcodes(image)
    assert decoded and decoded[0].text.startswith("DL1:") and len(decoded[0].text) <= 250
    out = _v(verify(env, decoded[0].text, env.refs["road_officer"] and "road_officer"))
    assert out["verification"]["accepted"] is True


def test_batch_rotates(edl):
    env = edl()
    issue(env)
    qr = show(env, n=5)
    texts = [p["text"] for p in qr["payloads"]]
    assert len(set(texts)) == 5
    assert qr["payloads"][1]["notBefore"] == qr["payloads"][0]["expiresAt"]


def test_partner_sees_only_allowed_claims_and_gets_a_receipt(edl):
    env = edl()
    text = issued_payload(env)
    out = _v(verify(env, text, env.refs["insurer"], purpose="理赔"))
    assert out["errors"] == []
    v = out["verification"]
    assert v["accepted"] and v["signatureValid"] and v["liveStatus"] == "VALID"
    names = {c["name"]: c["value"] for c in v["claims"]}
    assert names == {
        "status": "VALID",
        "classes": "C1",
        "valid_until": "2030-07-01",
        "points_below_12": "YES",
    }
    assert v["licence"] is None and v["holderName"] is None and v["receipt"].startswith("VR2:")
    # the receipt verifies with the published document keys
    from verifier.verify import TrustStore, _check, _parse

    store = TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())
    kid, claims, signed, sig = _parse(v["receipt"], "VR2:")
    assert _check(store.keys[kid], sig, signed) and claims[5] == "ACCEPTED"
    # predicate and refusal of a claim outside the registration
    out = _v(verify(env, text, env.refs["employer"], purpose="招聘", holdsClass="C1"))
    assert {c["name"]: c["value"] for c in out["verification"]["claims"]} == {
        "status": "VALID",
        "holds_class": "C1:YES",
    }
    out = _v(verify(env, text, env.refs["employer"], purpose="招聘", claims=["first_issue_date"]))
    assert out["errors"][0]["code"] == "EDL_CLAIM_NOT_ALLOWED"
    # without a class to ask about, the predicate is left out (it once answered ":NO"), and
    # asking for it explicitly says what is missing
    out = _v(verify(env, text, env.refs["employer"], purpose="招聘"))
    assert out["verification"]["claims"] == [{"name": "status", "value": "VALID"}]
    out = _v(verify(env, text, env.refs["employer"], purpose="招聘", claims=["holds_class"]))
    assert (out["errors"][0]["code"], out["errors"][0]["field"]) == ("INVALID_INPUT", "holdsClass")
    # the holder sees every verification
    log = env.data(LOG, as_="zhang_account")["myEDrivingLicenceVerifications"]["nodes"]
    assert {e["verifierName"] for e in log} == {"顺丰速运", "平安财产保险南京分公司"}
    assert {(e["purpose"], e["result"]) for e in log} == {
        ("理赔", "ACCEPTED"),
        ("招聘", "ACCEPTED"),
    }
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    assert any(e["action"] == "e_driving_licence.verify" and e["purpose"] == "理赔" for e in trail)


def test_share_code_unlocks_more_claims_once(edl):
    env = edl()
    text = issued_payload(env)
    code = share_code(env)
    out = _v(verify(env, text, env.refs["employer"], claims=["first_issue_date"], shareCode=code))
    assert out["verification"]["claims"] == [{"name": "first_issue_date", "value": "2008-07-01"}]
    out = _v(verify(env, text, env.refs["employer"], claims=["first_issue_date"], shareCode=code))
    err = out["errors"][0]
    assert (err["code"], err["field"]) == ("EDL_SHARE_CODE_INVALID", "shareCode")
    assert err["rule"].startswith("M01 2021-一-四-3: 相关单位在线核验驾驶资质"), err
    # a partner asking beyond its registration without consent names the same clause
    out = _v(verify(env, text, env.refs["employer"], claims=["first_issue_date"]))
    err = out["errors"][0]
    assert (err["code"], err["field"]) == ("EDL_CLAIM_NOT_ALLOWED", "claims")
    assert err["rule"].startswith("M01 2021-一-四-3: 相关单位在线核验驾驶资质"), err


SHARE_FOR = """mutation($org: ID) { eDrivingLicenceShareCreate(input: {claims: ["first_issue_date"],
  minutes: 10, partnerOrgId: $org}) { errors { code field } code } }"""


def test_a_share_code_for_one_partner_names_a_real_one(edl):
    """A share code restricted to a partner: the organisation must exist, and an id with
    trailing characters is not the organisation its first 16 characters name."""
    env = edl()
    text = issued_payload(env)
    org_id = env.refs["employer"][0].id
    for wrong in ["NOSUCHORG", org_id + "X"]:
        out = env.data(SHARE_FOR, {"org": wrong}, as_="zhang_account")["eDrivingLicenceShareCreate"]
        assert out == {"errors": [{"code": "NOT_FOUND", "field": "partnerOrgId"}], "code": None}
    made = env.data(SHARE_FOR, {"org": org_id}, as_="zhang_account")["eDrivingLicenceShareCreate"]
    assert made["errors"] == []
    out = _v(
        verify(env, text, env.refs["rental"], claims=["first_issue_date"], shareCode=made["code"])
    )
    assert out["errors"][0]["code"] == "EDL_SHARE_CODE_INVALID"  # another partner
    out = _v(
        verify(env, text, env.refs["employer"], claims=["first_issue_date"], shareCode=made["code"])
    )
    assert out["verification"]["claims"] == [{"name": "first_issue_date", "value": "2008-07-01"}]


def test_officer_sees_full_licence_even_where_issuance_is_off(edl):
    env = edl()
    text = issued_payload(env)
    env.set_rollout("e_driving_licence", "110100", enabled=False)
    env.set_rollout(
        "e_driving_licence", "320100", enabled=False
    )  # verification is not gated (一-五-2)
    out = _v(verify(env, text, "clerk_bj", purpose="业务办理"))
    v = out["verification"]
    assert v["accepted"] and v["licence"]["classes"] == ["C1"] and v["holderName"] == "张伟"
    assert "*" in v["holderIdNumber"]


def test_citizen_cannot_verify(edl):
    env = edl()
    text = issued_payload(env)
    body = verify(env, text, "li_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_tampered_and_garbage_payloads(edl):
    env = edl()
    text = issued_payload(env)
    tampered = text[:-6] + ("0" if text[-6] != "0" else "1") + text[-5:]
    v = _v(verify(env, tampered, env.refs["insurer"]))["verification"]
    assert (
        not v["accepted"]
        and v["reasons"][0] in ("BAD_SIGNATURE", "MALFORMED")
        and v["claims"] == []
    )
    v = _v(verify(env, "DL1:NOT-A-PAYLOAD", env.refs["insurer"]))["verification"]
    assert v["reasons"] == ["MALFORMED"] and v["liveStatus"] is None
    response = env.post(
        'mutation($p: String!) { eDrivingLicenceVerify(input: {payload: $p, purpose: "x"}) { errors { code field } } }',
        {"p": "A" * 5000},
        as_=env.refs["insurer"],
    )
    assert response.status_code == 200
    assert response.json()["data"]["eDrivingLicenceVerify"]["errors"][0] == {
        "code": "TOO_LONG",
        "field": "payload",
    }
    body = _v(verify(env, text, env.refs["insurer"], purpose=""))
    assert body["errors"][0]["field"] == "purpose"


def test_payload_expiry_boundary(edl):
    env = edl()
    issue(env)
    payload = show(env)["payloads"][0]
    start = env.clock.now()
    env.clock.set(start + dt.timedelta(seconds=180 + 30))  # exp + leeway: still accepted
    assert _v(verify(env, payload["text"], env.refs["insurer"]))["verification"]["accepted"]
    env.clock.set(start + dt.timedelta(seconds=180 + 31))
    v = _v(verify(env, payload["text"], env.refs["insurer"]))["verification"]
    assert (
        not v["accepted"]
        and v["payloadExpired"]
        and v["reasons"] == ["PAYLOAD_EXPIRED"]
        and v["claims"] == []
    )
    # a stale screenshot shows no live data, but the check is still in the holder's own log
    # and audit trail (docs/partners.md: every verification is recorded in the holder's list)
    log = env.data(LOG, as_="zhang_account")["myEDrivingLicenceVerifications"]["nodes"]
    stale = [n for n in log if n["result"] == "REJECTED:PAYLOAD_EXPIRED"]
    assert len(stale) == 1 and stale[0]["claims"] == [], log
    trail = env.data(TRAIL, as_="zhang_account")["myAuditTrail"]["nodes"]
    assert sum(n["action"] == "e_driving_licence.verify" for n in trail) == 2, trail


def test_live_status_suspended_revoked_expired_points(edl):
    env = edl()
    issue(env)
    lic_id = env.refs["zhang_licence"].id
    for change, reason in (
        ({"status": "SEIZED"}, "SUSPENDED"),
        ({"status": "REVOKED"}, "REVOKED"),
        ({"points": 12}, "POINTS_EXCEEDED"),
        ({"valid_until": dt.date(2024, 9, 1)}, "EXPIRED"),
    ):
        with env.session() as s:
            lic = s.get(DrivingLicence, lic_id)
            lic.status, lic.points, lic.valid_until = "NORMAL", 0, dt.date(2030, 7, 1)
            for k, val in change.items():
                setattr(lic, k, val)
            s.add(lic)
            s.commit()
        text = show(env)["payloads"][0]["text"]
        v = _v(verify(env, text, "road_officer"))["verification"]
        assert not v["accepted"] and reason in v["statusReasons"], (change, v)


def test_expiry_day_boundary_of_the_licence(edl):
    env = edl(now="2030-07-01")  # zhang's licence is valid until 2030-07-01 inclusive
    text = issued_payload(env)
    assert _v(verify(env, text, "road_officer"))["verification"]["accepted"]
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    text = show(env)["payloads"][0]["text"]
    v = _v(verify(env, text, "road_officer"))["verification"]
    assert not v["accepted"] and "EXPIRED" in v["statusReasons"]


def test_revoked_credential_and_unknown_key(edl):
    env = edl()
    text = issued_payload(env)
    with env.session() as s:
        cred.revoke_for_subject(s, env.clock.now(), "DL", env.refs["zhang_licence"].id, "test")
        s.commit()
    v = _v(verify(env, text, env.refs["rental"]))["verification"]
    assert v["reasons"] == ["CREDENTIAL_REVOKED"] and not v["accepted"]
    from cryptography.hazmat.primitives import serialization

    from core.documents.keys import LoadedKey, _new_key_row, public_key_from_jwk
    from core.documents.qr import sign_payload

    row = _new_key_row("document", "ACTIVE", env.clock.now())
    priv = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
    rogue = LoadedKey(row.kid, "document", "ACTIVE", priv.public_key(), priv)
    claims = {1: "DL", 2: b"0" * 10, 3: [0, 1], 4: 2**40, 6: 0, 7: b"1234", 8: 32, 9: 0, 10: 0}
    forged = sign_payload("DL1:", claims, rogue)
    v = _v(verify(env, forged, env.refs["rental"]))["verification"]
    assert v["reasons"] == ["UNKNOWN_KEY"] and not v["signatureValid"]
    assert public_key_from_jwk  # imported for completeness


def test_key_rotation(edl):
    env = edl()
    issue(env)
    keys = env.platform.keys
    jwks_before = {
        k["kid"]: k["status"] for k in env.http.get("/.well-known/jwks.json").json()["keys"]
    }
    old = keys.active("document").kid
    text = show(env)["payloads"][0]["text"]
    new = keys.rotate("document", env.clock.now())
    assert jwks_before[new] == "next"  # published before use
    v = _v(verify(env, text, "road_officer"))["verification"]
    assert v["accepted"] and v["kid"] == old and v["keyState"] == "RETIRING"
    assert (
        _v(verify(env, show(env)["payloads"][0]["text"], "road_officer"))["verification"]["kid"]
        == new
    )
    keys.retire(old, env.clock.now())
    v = _v(verify(env, text, "road_officer"))["verification"]
    assert not v["accepted"] and v["reasons"][0] in ("UNKNOWN_KEY", "RETIRED_KEY")


def test_partner_rate_limit_is_the_setting_of_the_partners_province(edl):
    """A PROVINCE setting: Jiangsu's value limits a partner registered in Jiangsu, not others;
    a city value is refused (a partner is not bound to a city)."""
    from core.accounts import PartnerOrg

    env = edl()
    text = issued_payload(env)
    update_row(env, PartnerOrg, env.refs["rental"][0].id, province_code="320000")
    out = env.data(SETTING, {"s": "320100", "v": 2}, as_="province_admin")["measureSettingSet"]
    assert out["errors"] == [{"code": "INVALID_INPUT", "field": "scopeCode"}]
    out = env.data(SETTING, {"s": "320000", "v": 2}, as_="province_admin")["measureSettingSet"]
    assert out["errors"] == []
    codes = [
        (_v(verify(env, text, env.refs["rental"]))["errors"] or [{"code": "OK"}])[0]["code"]
        for _ in range(3)
    ]
    assert codes == ["OK", "OK", "RATE_LIMITED"]
    codes = [
        (_v(verify(env, text, env.refs["insurer"]))["errors"] or [{"code": "OK"}])[0]["code"]
        for _ in range(3)
    ]
    assert codes == ["OK", "OK", "OK"]  # no province: the nationwide value (600)


def test_seizure_needs_the_paper_licence(edl):
    env = edl()
    issue(env)
    number = env.refs["zhang_licence"].file_number
    body = env.data(SEIZE, {"f": number, "p": "E_LICENCE", "c": "320100"}, as_="road_officer")[
        "eDrivingLicenceSeize"
    ]
    assert body["errors"][0]["code"] == "EDL_SEIZURE_NEEDS_PAPER" and body["errors"][0][
        "rule"
    ].startswith("M01 2021-一-五-1")
    with env.session() as s:
        assert s.get(DrivingLicence, env.refs["zhang_licence"].id).status == "NORMAL"
    body = env.data(SEIZE, {"f": number, "p": "PAPER", "c": "310100"}, as_="road_officer")[
        "eDrivingLicenceSeize"
    ]
    assert body["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert (
        env.gql(SEIZE, {"f": number, "p": "PAPER", "c": "320100"}, as_="clerk")["errors"][0][
            "extensions"
        ]["code"]
        == "FORBIDDEN"
    )
    body = env.data(SEIZE, {"f": number, "p": "PAPER", "c": "320100"}, as_="road_officer")[
        "eDrivingLicenceSeize"
    ]
    assert body["errors"] == [] and body["licence"]["status"] == "SEIZED"
    # the seizure shows at once in the e-licence's live status
    v = _v(verify(env, show(env)["payloads"][0]["text"], env.refs["insurer"]))["verification"]
    assert v["liveStatus"] == "SUSPENDED"


def test_local_versions_refused_once_unified_e_licence_in_force(edl):
    """Nanjing is not among the cities of 2021-09-01: the unified e-licence reaches it with the
    nationwide phase on 2022-01-01."""
    env = edl(now="2021-12-31")
    body = env.data(LOCAL, {"c": "320100"}, as_="clerk")["eDrivingLicenceLocalVersionRegister"]
    assert body["errors"] == [] and body["localVersionId"]
    env.clock.set(env.clock.now() + dt.timedelta(days=1))
    body = env.data(LOCAL, {"c": "320100"}, as_="clerk")["eDrivingLicenceLocalVersionRegister"]
    assert (
        body["errors"][0]["code"] == "EDL_LOCAL_VERSION_REFUSED"
        and "2021-一-五-3" in body["errors"][0]["rule"]
    )
    body = env.data(LOCAL, {"c": "320100"}, as_=env.refs["rental"])[
        "eDrivingLicenceLocalVersionRegister"
    ]
    assert body["errors"][0]["code"] == "EDL_LOCAL_VERSION_REFUSED"
    body = env.data(LOCAL, {"c": "310100"}, as_="clerk")["eDrivingLicenceLocalVersionRegister"]
    assert body["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.data(LOCAL, {"c": "999999"}, as_="clerk")["eDrivingLicenceLocalVersionRegister"]
    assert body["errors"][0]["code"] == "UNKNOWN_CITY"


def test_verifications_are_recorded_even_when_rejected(edl):
    env = edl()
    issue(env)
    _v(verify(env, "DL1:XYZ", env.refs["insurer"]))
    with env.session() as s:
        rows = s.exec(select(EdlVerification)).all()
    assert [r.result for r in rows] == ["REJECTED:MALFORMED"]


def test_partner_without_the_verify_scope_is_refused(edl):
    env = edl()
    text = issued_payload(env)
    org, client = env.refs["insurer"]
    org.scopes = []  # the token is minted from the registration's scopes
    body = _v(verify(env, text, (org, client)))
    assert body["errors"][0]["code"] == "FORBIDDEN" and body["verification"] is None


def test_payload_stays_under_250_with_every_class(edl):
    env = edl()
    update_row(
        env,
        DrivingLicence,
        env.refs["zhang_licence"].id,
        classes="A1 A2 A3 B1 B2 C1 C2 C3 C4 C5 C6 D E F M N P",
    )
    issue(env)
    qr = show(env, n=10)
    assert max(p["length"] for p in qr["payloads"]) <= 250 and qr["qrVersion"] <= 9
    from verifier import TrustStore, Verifier

    answer = Verifier(TrustStore.from_jwks(env.http.get("/.well-known/jwks.json").json())).verify(
        qr["payloads"][0]["text"], now=env.clock.now().timestamp()
    )
    assert answer.claims["classes"] == "A1 A2 A3 B1 B2 C1 C2 C3 C4 C5 C6 D E F M N P"


def test_the_receipt_names_its_audit_entry_and_the_partner_can_prove_it_was_logged(edl):
    """Issue 13: a partner's receipt names the audit entry; once sequenced, the public inclusion
    proof for that leaf verifies offline against a signed tree head."""
    from core.audit import sequence_all
    from verifier.audit import AuditKeys, verify_inclusion, verify_tree_head
    from verifier.verify import _parse

    env = edl()
    text = issued_payload(env)
    v = _v(verify(env, text, env.refs["insurer"], purpose="理赔"))["verification"]
    entry = v["auditEntry"]
    _, claims, _, _ = _parse(v["receipt"], "VR2:")
    assert (claims[9], claims[10], claims[11].hex()) == (
        entry["logId"],
        entry["uid"],
        entry["leafHash"],
    )
    query = """query($l: String!, $h: String!) { auditInclusionProof(logId: $l, leafHash: $h) {
      leafIndex treeSize auditPath treeHead } }"""
    variables = {"l": entry["logId"], "h": entry["leafHash"]}
    assert env.data(query, variables, as_="insurer")["auditInclusionProof"] is None
    sequence_all(env.platform.engine, env.platform.keys, env.clock.now())
    proof = env.data(query, variables, as_="insurer")["auditInclusionProof"]
    keys = AuditKeys.from_jwks(env.http.get("/.well-known/jwks.json").json())
    head = verify_tree_head(proof["treeHead"], keys)
    assert verify_inclusion(
        bytes.fromhex(entry["leafHash"]),
        proof["leafIndex"],
        proof["treeSize"],
        [bytes.fromhex(h) for h in proof["auditPath"]],
        head.root_hash,
    )
    # the logged event is the verification, with the holder as subject
    from core.audit import AuditEvent

    with env.session() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.uid == entry["uid"])).one()
    assert event.action == "e_driving_licence.verify" and event.outcome == "OK"
    assert event.subject_person_id == env.refs["zhang"].id


def test_a_share_code_for_more_claims_than_there_are_says_so(edl):
    """Found by a new user's trial: eleven claims answered "Name one or more claims."."""
    from .. import rules

    env = edl()
    issued_payload(env)
    names = ", ".join('"valid_until"' for _ in range(len(rules.CLAIMS) + 1))
    query = f"mutation {{ eDrivingLicenceShareCreate(input: {{claims: [{names}], minutes: 10}}) {{ errors {{ code message field }} }} }}"
    errors = env.data(query, as_="zhang_account")["eDrivingLicenceShareCreate"]["errors"]
    assert errors == [
        {
            "code": "INVALID_INPUT",
            "message": f"At most {len(rules.CLAIMS)} claims (each of them once).",
            "field": "claims",
        }
    ]
