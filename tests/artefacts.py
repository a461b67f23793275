"""One of each signed artefact the platform hands to partners, issued through its real path (the
API and the public routes): shared by the verifier tests and the independent-library tests."""

from __future__ import annotations

from core.audit import sequence_all
from core.documents.qr import sign_payload
from plugins.e_driving_licence.tests import helpers as edl
from plugins.e_vehicle_licence.tests import helpers as evl
from plugins.online_deregistration.tests import helpers as dereg

PLUGINS = ("e_driving_licence", "e_vehicle_licence", "online_deregistration")
HEADS = "{ auditTreeHeads { logId treeSize signed } }"


def issued_artefacts(env) -> dict[str, str]:  # noqa: ANN001 - core.testing.Env
    """One of each signed artefact, issued through the API and the public routes."""
    edl.issue(env)
    evl.issue(env)
    dl1 = edl.show(env)["payloads"][0]["text"]
    vl1 = evl.payload(env)
    certificate = dereg.approve(env, car="zhang_moto")["certificate"]
    dc1 = env.data(dereg.SHOW, {"id": certificate["id"]}, as_="zhang_account")
    vr2_dl = edl.verify(env, dl1, as_=env.refs["rental"])["data"]["eDrivingLicenceVerify"]
    vr2_vl = env.data(evl.VERIFY, {"p": vl1}, as_=env.refs["insurer"])["eVehicleLicenceVerify"]
    vr1 = sign_payload(  # the receipt format issued before receipts named their audit entry
        "VR1:",
        {1: "R1", 2: "H", 3: "P", 4: int(env.clock.now().timestamp()), 5: "ACCEPTED",
         6: {"status": "VALID"}, 7: "车辆租赁", 8: "VALID"},
        env.platform.keys.active("document"),
    )  # fmt: skip
    sequence_all(env.platform.engine, env.platform.keys, env.clock.now())
    heads = env.data(HEADS, as_=env.refs["rental"])["auditTreeHeads"]
    return {
        "DL1": dl1,
        "VL1": vl1,
        "DC1": dc1["deregistrationCertificateShow"]["text"],
        "VR2 (licence)": vr2_dl["verification"]["receipt"],
        "VR2 (vehicle)": vr2_vl["verification"]["receipt"],
        "VR1": vr1,
        "status list": env.http.get("/credentials/status-lists/0").text,
        "trust list": env.http.get("/credentials/trust-list").text,
        "tree head": heads[0]["signed"],
    }
