"""M02 through the GraphQL API: the one-step flow, roles, jurisdiction, channel, scope, input."""

from __future__ import annotations

from sqlmodel import select

from core.accounts import Role
from core.audit import AuditEvent
from core.registries.applications import Application
from core.registries.vehicles import ArchiveFile, Vehicle
from core.testing_db import audit_events, load_demo

from .helpers import (
    APPLY,
    OPEN,
    PLUGINS,
    READ,
    apply,
    apply_input,
    citizen,
    id_number,
    inspect,
    register,
    staff,
    transfer_count,
)


def test_traded_in_transfer_in_city_one_step(make_env):
    env = make_env(PLUGINS, now="2021-06-01")
    car = env.refs["li_car"]  # Shanghai, mini passenger, non-operating
    out = apply(env, car, "320100")  # Zhang (Nanjing) bought it in Nanjing, applies online
    assert out["errors"] == []
    t = out["transfer"]
    assert (t["route"], t["channel"], t["fromCity"], t["toCity"], t["handlingCity"]) == (
        "TRADED_IN_TRANSFER_IN_CITY",
        "ONLINE",
        "310100",
        "320100",
        "320100",
    )
    ins = inspect(env, t["id"])
    assert ins["errors"] == [] and ins["transfer"]["status"] == "INSPECTED"
    reg = register(env, t["id"])
    assert reg["errors"] == [] and reg["transfer"]["status"] == "REGISTERED"
    with env.session() as s:
        v = s.get(Vehicle, car.id)
        assert (v.owner_person_id, v.registration_city, v.plate) == (
            env.refs["zhang"].id,
            "320100",
            "苏A9X001",
        )
        assert v.paper_archive is False
        kinds = {
            f.kind for f in s.exec(select(ArchiveFile).where(ArchiveFile.vehicle_id == car.id))
        }
        assert {"INSPECTION", "TRANSFER"} <= kinds
        app = s.exec(select(Application).where(Application.vehicle_id == car.id)).one()
        assert app.status == "COMPLETED"
        actions = [e.action for e in s.exec(select(AuditEvent)).all() if e.outcome == "OK"]
        for a in ("apply", "inspect", "register"):
            assert f"used_car_transfer.{a}" in actions


def test_not_in_force_before_pilot_start_writes_nothing(make_env):
    env = make_env(PLUGINS, now="2021-05-31")
    out = apply(env, env.refs["li_car"], "320100")
    assert out["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert out["errors"][0]["city"] == "320100"
    assert transfer_count(env) == 0


def test_refused_roles(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    assert apply(env, env.refs["li_car"], "320100", as_="road_officer")["errors"][0]["code"] == (
        "FORBIDDEN"
    )
    assert apply(env, env.refs["li_car"], "320100", as_=env.refs["insurer"])["errors"][0][
        "code"
    ] == ("FORBIDDEN")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    assert register(env, t["id"], as_="inspector")["errors"][0]["code"] == "FORBIDDEN"
    assert inspect(env, t["id"], as_="clerk")["errors"][0]["code"] == "FORBIDDEN"
    assert transfer_count(env) == 1


def test_other_city_staff_are_out_of_jurisdiction(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    sh_inspector = staff(env, "inspector.sh", Role.INSPECTOR, "310100")
    assert inspect(env, t["id"], as_=sh_inspector)["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    assert inspect(env, t["id"])["errors"] == []
    assert register(env, t["id"], as_="clerk_sh")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    with env.session() as s:
        assert s.get(Vehicle, env.refs["li_car"].id).registration_city == "310100"


def test_traded_in_transfer_out_city_goes_to_that_office(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    online = apply(env, car, "310100")  # traded in Shanghai: not online (二-一-5)
    assert online["errors"][0]["code"] == "WRONG_CHANNEL"
    assert "二-一-5" in online["errors"][0]["rule"]
    buyer_id = id_number(env, env.refs["zhang"])
    wrong = apply(env, car, "310100", as_="clerk", buyerIdNumber=buyer_id)
    assert wrong["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    ok = apply(env, car, "310100", as_="clerk_sh", buyerIdNumber=buyer_id)
    assert ok["errors"] == []
    assert ok["transfer"]["handlingCity"] == "310100" and ok["transfer"]["channel"] == "WINDOW"
    sh_inspector = staff(env, "inspector.sh", Role.INSPECTOR, "310100")
    assert inspect(env, ok["transfer"]["id"], as_=sh_inspector)["errors"] == []
    # the transfer-in office (Nanjing) registers
    assert register(env, ok["transfer"]["id"])["errors"] == []


def test_trade_city_must_be_one_of_the_two(make_env):
    env = make_env(PLUGINS, now="2022-07-01")
    out = apply(env, env.refs["li_car"], "110100")
    assert out["errors"][0]["code"] == "TRADE_CITY_NOT_ALLOWED"
    assert "二-一-2" in out["errors"][0]["rule"]


def test_same_city_is_not_cross_region(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = apply(env, env.refs["elder_car"], "320100")
    assert out["errors"][0]["code"] == "NOT_CROSS_REGION"


def test_only_small_and_mini_non_operating_passenger_cars(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    for ref in ("zhang_moto", "unit_truck", "unit_car"):
        out = apply(env, env.refs[ref], "310100", as_="li_account")
        assert out["errors"][0]["code"] == "VEHICLE_OUT_OF_SCOPE", ref
        assert "二-一-1" in out["errors"][0]["rule"]
    assert transfer_count(env) == 0


def test_failed_inspection_blocks_registration(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    out = inspect(env, t["id"], vinMatches=False)
    assert out["transfer"]["status"] == "INSPECTION_FAILED"
    reg = register(env, t["id"])
    assert reg["errors"][0]["code"] == "NOT_INSPECTED"


def test_malformed_input_is_typed(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    car = env.refs["li_car"]
    cases = [
        ({"vin": "SHORT"}, "INVALID_INPUT", "vin"),
        ({"tradeCity": "999999"}, "UNKNOWN_CITY", "tradeCity"),
        ({"invoiceNumber": "发票"}, "INVALID_INPUT", "invoiceNumber"),
        ({"invoiceNumber": "X" * 300}, "INVALID_INPUT", "invoiceNumber"),  # an identifier
        ({"invoiceDate": "2021-07-02"}, "INVALID_DATE", "invoiceDate"),
        ({"dealerCreditCode": "123"}, "INVALID_CREDIT_CODE", "dealerCreditCode"),
        ({"plate": "沪A00000"}, "NOT_FOUND", "vin"),
    ]
    for extra, code, field in cases:
        i = apply_input(car, "320100")
        i.update(extra)
        out = env.gql(APPLY, {"i": i}, as_="zhang_account")["data"]["usedCarTransferApply"]
        assert (out["errors"][0]["code"], out["errors"][0]["field"]) == (code, field), extra
    bad_date = env.post(APPLY, {"i": {**apply_input(car, "320100"), "invoiceDate": "2021-13-01"}})
    assert bad_date.status_code == 200 and bad_date.json()["errors"]
    # the invoice may be dated today
    assert apply(env, car, "320100", invoiceDate="2021-07-01")["errors"] == []
    assert transfer_count(env) == 1
    bad = inspect(env, "x", videoSha256="nothex")
    assert bad["errors"][0]["code"] == "INVALID_INPUT"


def test_window_buyer_id_is_validated_and_never_echoed(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    out = apply(env, env.refs["li_car"], "320100", as_="clerk", buyerIdNumber="320101199001011234")
    assert out["errors"][0]["code"] == "INVALID_ID_NUMBER"
    with env.session() as s:
        for e in s.exec(select(AuditEvent)).all():
            assert "320101199001011234" not in str(e.detail)


def test_window_buyer_document_type_is_an_id_type(make_env):
    """buyerIdType is the IdType enum: a known type is used, an unknown one is a malformed request
    (GraphQL coercion, top level) and writes nothing."""
    env = make_env(PLUGINS, now="2022-07-01")
    person, _ = citizen(env, "赵强", "130600")
    number = id_number(env, person)
    i = apply_input(env.refs["zhang_car"], "320100", buyerIdType="ALIEN", buyerIdNumber=number)
    unknown = env.gql(APPLY, {"i": i}, as_="clerk")
    assert unknown["data"] is None
    assert unknown["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert transfer_count(env) == 0
    out = apply(
        env, env.refs["zhang_car"], "320100", as_="clerk", buyerIdType="MAINLAND_ID",
        buyerIdNumber=number,
    )  # fmt: skip
    assert out["errors"] == [] and out["transfer"]["channel"] == "WINDOW"


def test_reads_own_and_staff_audited(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    t = apply(env, env.refs["li_car"], "320100")["transfer"]
    assert env.data(READ, {"id": t["id"]}, as_="zhang_account")["usedCarTransfer"]["id"] == t["id"]
    other = env.gql(READ, {"id": t["id"]}, as_="li_account")
    assert other["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    bj = env.gql(READ, {"id": t["id"]}, as_="clerk_bj")
    assert bj["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    assert env.data(READ, {"id": t["id"]}, as_="clerk_sh")["usedCarTransfer"]["id"] == t["id"]
    reads = audit_events(env, "used_car_transfer.read")
    assert len(reads) == 1 and reads[0].subject_person_id == env.refs["zhang"].id


def test_open_worklist_for_clerks(make_env):
    env = make_env(PLUGINS, now="2021-07-01")
    apply(env, env.refs["li_car"], "320100")
    assert env.data(OPEN, {"c": "320100"}, as_="clerk")["usedCarTransfersOpen"]["totalCount"] == 1
    body = env.gql(OPEN, {"c": "310100"}, as_="clerk")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(OPEN, {"c": "320100"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_buyer_without_account_in_other_city_window(make_env):
    env = make_env(PLUGINS, now="2022-07-01")
    person, _ = citizen(env, "赵强", "130600")  # Baoding: nationwide phase only
    out = apply(
        env, env.refs["zhang_car"], "320100", as_="clerk", buyerIdNumber=id_number(env, person)
    )
    assert out["errors"] == [] and out["transfer"]["toCity"] == "130600"


def test_demo_data_loads(make_env):
    from .. import demo as demo_data

    env = make_env(PLUGINS, now="2024-09-02")
    load_demo(env, demo_data.load)
    assert env.data(OPEN, {"c": "320100"}, as_="clerk")["usedCarTransfersOpen"]["totalCount"] == 1
