"""M01 input in look-alike forms (issue 12, item 4): the licence file number a road officer types
and the photo digest, folded to one stored form; look-alike digits are typed refusals."""

from __future__ import annotations

from core.testing import full_width

from .helpers import APPLY, PHOTO, SEIZE, issue


def test_file_number_in_full_width_seizes_the_same_licence(edl):
    env = edl()
    issue(env)
    number = env.refs["zhang_licence"].file_number
    spaced = full_width(" ".join([number[:6], number[6:]]))
    out = env.data(SEIZE, {"f": spaced, "p": "PAPER", "c": "320100"}, as_="road_officer")
    assert out["eDrivingLicenceSeize"]["errors"] == []
    assert out["eDrivingLicenceSeize"]["licence"]["status"] == "SEIZED"


def test_look_alike_file_number_and_digest_are_typed_refusals(edl):
    env = edl()
    number = env.refs["zhang_licence"].file_number
    out = env.data(
        SEIZE, {"f": number[:-1] + "²", "p": "PAPER", "c": "320100"}, as_="road_officer"
    )["eDrivingLicenceSeize"]
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("INVALID_INPUT", "fileNumber")]
    lic = env.refs["zhang_licence"]
    bad = env.data(APPLY, {"id": lic.id, "photo": PHOTO[:-1] + "\u200b"}, as_="zhang_account")
    assert [(e["code"], e["field"]) for e in bad["eDrivingLicenceApply"]["errors"]] == [
        ("INVALID_INPUT", "photoSha256")
    ]
    upper = env.data(APPLY, {"id": lic.id, "photo": PHOTO.upper()}, as_="zhang_account")
    assert upper["eDrivingLicenceApply"]["errors"] == []
