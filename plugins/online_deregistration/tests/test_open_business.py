"""Review finding: a vehicle with an open application of another measure (here a cross-region
transfer to a buyer, M02) is not deregistered: the application is refused, and so is the
approval of a deregistration applied for before the transfer (the core applications registry,
no import of the other plugin)."""

from __future__ import annotations

from core.registries.vehicles import Vehicle

from .helpers import APPLY, REVIEW

PLUGINS = ("online_deregistration", "used_car_transfer")
TRANSFER = """mutation($i: UsedCarTransferApplyInput!) { usedCarTransferApply(input: $i) {
  errors { code field } transfer { id status } } }"""
WITHDRAW = """mutation($t: ID!) { usedCarTransferWithdraw(transferId: $t) { errors { code } } }"""


def _transfer(env) -> dict:
    car = env.refs["li_car"]
    i = {"vin": car.vin, "plate": car.plate, "tradeCity": "320100",
         "invoiceNumber": "INV20240801", "invoiceDate": "2024-08-20"}  # fmt: skip
    return env.data(TRANSFER, {"i": i}, as_="zhang_account")["usedCarTransferApply"]


def test_no_deregistration_while_a_transfer_to_a_buyer_is_open(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    t = _transfer(env)
    assert t["errors"] == [], t
    out = env.data(APPLY, {"id": env.refs["li_car"].id, "r": "EXPORTED"}, as_="li_account")
    err = out["deregistrationApply"]["errors"][0]
    assert (err["code"], err["field"]) == ("DEREG_OPEN_BUSINESS", "vehicleId")
    assert "三-三-2" in err["rule"]
    # once the buyer withdraws, the owner may deregister
    env.data(WITHDRAW, {"t": t["transfer"]["id"]}, as_="zhang_account")
    out = env.data(APPLY, {"id": env.refs["li_car"].id, "r": "EXPORTED"}, as_="li_account")
    assert out["deregistrationApply"]["errors"] == []


def test_approval_is_refused_when_a_transfer_opened_after_the_application(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    out = env.data(APPLY, {"id": env.refs["li_car"].id, "r": "EXPORTED"}, as_="li_account")
    app = out["deregistrationApply"]["application"]
    assert _transfer(env)["errors"] == []
    review = env.data(REVIEW, {"id": app["id"], "ok": True}, as_="clerk_sh")["deregistrationReview"]
    assert review["errors"] == [{"code": "DEREG_OPEN_BUSINESS"}]
    with env.session() as s:
        assert s.get(Vehicle, env.refs["li_car"].id).status == "NORMAL"


def test_refusals_name_the_input_of_the_operation(make_env):
    """The deregistrability refusal names the mutation's own input: `applicationId` on review,
    `reportId` when processing a scrap report (before: always `vehicleId`)."""
    from .helpers import PROCESS, REPORT

    env = make_env(("online_deregistration",), now="2024-09-02")
    car = env.refs["zhang_car"]
    out = env.data(APPLY, {"id": car.id, "r": "SCRAPPED"}, as_="zhang_account")
    app_id = out["deregistrationApply"]["application"]["id"]
    body = env.data(REPORT, {"vin": car.vin, "d": "2024-09-02", "c": "310100"}, as_="scrapping")
    report_id = body["deregistrationScrapReport"]["report"]["id"]
    with env.session() as s:
        s.get(Vehicle, car.id).mortgaged = True
        s.commit()
    process = PROCESS.replace("errors { code }", "errors { code field }")
    out = env.data(process, {"id": report_id}, as_="clerk")["deregistrationScrapProcess"]
    assert out["errors"] == [{"code": "DEREG_NOT_DEREGISTRABLE", "field": "reportId"}]
    review = REVIEW.replace("errors { code }", "errors { code field }")
    out = env.data(review, {"id": app_id, "ok": True}, as_="clerk")["deregistrationReview"]
    assert out["errors"] == [{"code": "DEREG_NOT_DEREGISTRABLE", "field": "applicationId"}]


def test_a_scrap_report_is_not_processed_while_a_transfer_to_a_buyer_is_open(make_env):
    """The scrap-report path refuses as the owner's path does (found by a fresh-user review: the
    report deregistered the car and left the buyer's transfer SUBMITTED); once the transfer is
    withdrawn, the office processes the report."""
    from .helpers import PROCESS, REPORT

    env = make_env(PLUGINS, now="2024-09-02")
    car = env.refs["li_car"]
    t = _transfer(env)
    assert t["errors"] == [], t
    city = car.registration_city
    body = env.data(REPORT, {"vin": car.vin, "d": "2024-09-02", "c": city}, as_="scrapping")
    report_id = body["deregistrationScrapReport"]["report"]["id"]
    process = PROCESS.replace("errors { code }", "errors { code field rule }")
    out = env.data(process, {"id": report_id}, as_="clerk_sh")["deregistrationScrapProcess"]
    err = out["errors"][0]
    assert (err["code"], err["field"]) == ("DEREG_OPEN_BUSINESS", "reportId") and err["rule"]
    with env.session() as s:
        assert s.get(Vehicle, car.id).status == "NORMAL"  # nothing changed
    env.data(WITHDRAW, {"t": t["transfer"]["id"]}, as_="zhang_account")
    out = env.data(process, {"id": report_id}, as_="clerk_sh")["deregistrationScrapProcess"]
    assert out["errors"] == []
    with env.session() as s:
        assert s.get(Vehicle, car.id).status == "DEREGISTERED"
