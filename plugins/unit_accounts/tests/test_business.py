"""Unit business besides 补换领牌证 (八-三): preselect a plate number, the inspection-exempt mark,
contact details, filed drivers; web access only through the QR sign-in (八-二)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.accounts import UnitRole
from core.errors import CORE_RULES, Code
from core.registries.applications import Application
from core.registries.vehicles import FiledDriver, VehicleCategory, VehicleUse
from core.testing_answers import top_code
from core.testing_db import outbox_messages
from core.testing_units import WEB, web_token

from ..models import PlateReservation, UnitContact
from .helpers import (
    AFTER,
    PLUGINS,
    VEHICLES,
    _Fac,
    citizen,
    errors,
    member,
    unit,
)

INPUT_RULE = CORE_RULES[Code.INVALID_INPUT]
ERR = "errors { code field rule measure }"
PRESELECT = f"""
mutation($unit: ID!, $vin: String!, $plate: String!) {{
  unitPlatePreselect(unitId: $unit, vin: $vin, plate: $plate) {{ {ERR}
    reservation {{ id plate vin status validUntil }} }} }}
"""
RELEASE = f"""
mutation($unit: ID!, $id: ID!) {{ unitPlateReservationRelease(unitId: $unit, reservationId: $id) {{
  {ERR} reservation {{ status }} }} }}
"""
RESERVATIONS = """
query($unit: ID!) { unitPlateReservations(unitId: $unit) { totalCount nodes { plate status } } }
"""
EXEMPT = f"""
mutation($unit: ID!, $vehicle: ID!) {{ unitExemptMarkApply(unitId: $unit, vehicleId: $vehicle) {{
  {ERR} application {{ id business status city }} }} }}
"""
CONTACT = f"""
mutation($input: UnitContactChangeInput!) {{ unitContactChange(input: $input) {{ {ERR}
  contact {{ contactName mobile postalAddress }} }} }}
"""
CONTACT_READ = "query($unit: ID!) { unitContact(unitId: $unit) { contactName mobile } }"
DRIVER_ADD = f"""
mutation($input: UnitFiledDriverAddInput!) {{ unitFiledDriverAdd(input: $input) {{ {ERR}
  filedDriver {{ id name active idNumberMasked }} }} }}
"""
DRIVER_REMOVE = f"""
mutation($unit: ID!, $id: ID!) {{ unitFiledDriverRemove(unitId: $unit, filedDriverId: $id) {{
  {ERR} filedDriver {{ id active }} }} }}
"""
VIN = "LSVAB12C3D4567890"


def _reservations(env):
    with env.session() as s:
        return s.exec(select(PlateReservation)).all()


def test_manager_preselects_a_number_kept_15_days(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid = env.refs["unit"].id
    got = env.data(PRESELECT, {"unit": uid, "vin": VIN, "plate": "苏A·8K888"}, as_="zhang_account")
    res = got["unitPlatePreselect"]
    assert res["errors"] == []
    assert res["reservation"]["plate"] == "苏A8K888"
    assert res["reservation"]["status"] == "RESERVED"
    assert res["reservation"]["validUntil"] == "2024-09-16"  # 15 days including today
    assert [n.unit_id for n in outbox_messages(env, "unit_accounts.plate_reserved")] == [uid]
    # the same number (or another number for the same VIN) is taken
    for plate, vin in (("苏A8K888", "LSVAB12C3D4567891"), ("苏A8K889", VIN)):
        again = env.gql(PRESELECT, {"unit": uid, "vin": vin, "plate": plate}, as_="zhang_account")
        assert errors(again, "unitPlatePreselect")[0]["code"] == "UNIT_PLATE_NUMBER_TAKEN"
    # a number on a registered vehicle, another province's number, a registered VIN
    with env.session() as s:
        car = s.get(type(env.refs["unit_car"]), env.refs["unit_car"].id)
        plate, vin = car.plate, car.vin
    cases = [
        (plate, "LSVAB12C3D4567892", "UNIT_PLATE_NUMBER_TAKEN"),
        ("沪A12345", "LSVAB12C3D4567892", "UNIT_PLATE_NUMBER_WRONG_CITY"),
        ("苏A12399", vin, "UNIT_VIN_ALREADY_REGISTERED"),
        ("苏A1239", "LSVAB12C3D4567892", "INVALID_INPUT"),
    ]
    for p, v, code in cases:
        body = env.gql(PRESELECT, {"unit": uid, "vin": v, "plate": p}, as_="zhang_account")
        err = errors(body, "unitPlatePreselect")[0]
        assert err["code"] == code, (p, v, err)
    assert len(_reservations(env)) == 1
    listed = env.data(RESERVATIONS, {"unit": uid}, as_="li_account")["unitPlateReservations"]
    assert listed["nodes"] == [{"plate": "苏A8K888", "status": "RESERVED"}]


def _expire(env):
    job = env.platform.jobs["unit_accounts_reservations_expire"]
    return job.run(env.platform, env.clock.now())


def test_release_frees_the_number_and_the_job_expires_old_ones(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid = env.refs["unit"].id
    first = env.data(PRESELECT, {"unit": uid, "vin": VIN, "plate": "苏A8K888"}, as_="zhang_account")
    rid = first["unitPlatePreselect"]["reservation"]["id"]
    user = env.gql(RELEASE, {"unit": uid, "id": rid}, as_="li_account")
    assert errors(user, "unitPlateReservationRelease")[0]["code"] == "UNIT_ROLE_REQUIRED"
    done = env.data(RELEASE, {"unit": uid, "id": rid}, as_="zhang_account")
    assert done["unitPlateReservationRelease"]["reservation"]["status"] == "RELEASED"
    twice = env.gql(RELEASE, {"unit": uid, "id": rid}, as_="zhang_account")
    assert errors(twice, "unitPlateReservationRelease")[0]["code"] == "UNIT_RESERVATION_CLOSED"
    # the number is free again; reserved on 09-02, kept to 09-16; the job on 09-16 keeps it
    again = env.data(PRESELECT, {"unit": uid, "vin": VIN, "plate": "苏A8K888"}, as_="zhang_account")
    assert again["unitPlatePreselect"]["errors"] == []
    env.clock.set("2024-09-16")
    _expire(env)
    assert {r.status for r in _reservations(env)} == {"RELEASED", "RESERVED"}
    env.clock.set("2024-09-17")
    _expire(env)
    assert {r.status for r in _reservations(env)} == {"RELEASED", "EXPIRED"}
    other = env.gql(PRESELECT, {"unit": uid, "vin": VIN, "plate": "苏A8K888"}, as_="zhang_account")
    assert errors(other, "unitPlatePreselect") == []


def test_preselect_refused_to_users_staff_other_units_and_before_july(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid = env.refs["unit"].id
    v = {"unit": uid, "vin": VIN, "plate": "苏A8K888"}
    assert (
        errors(env.gql(PRESELECT, v, as_="li_account"), "unitPlatePreselect")[0]["code"]
        == "UNIT_ROLE_REQUIRED"
    )
    assert top_code(env.gql(PRESELECT, v, as_="clerk")) == "FORBIDDEN"
    assert (
        errors(env.gql(PRESELECT, v, as_="elder_account"), "unitPlatePreselect")[0]["code"]
        == "NOT_FOUND"
    )
    env.set_rollout("unit_accounts", "320100", enabled=False)  # off in Nanjing
    off = errors(env.gql(PRESELECT, v, as_="zhang_account"), "unitPlatePreselect")[0]
    assert off["code"] == "FEATURE_NOT_ENABLED"
    assert _reservations(env) == []


def test_preselect_waits_for_the_2024_07_01_rules(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    v = {"unit": env.refs["unit"].id, "vin": VIN, "plate": "苏A8K888"}
    early = errors(env.gql(PRESELECT, v, as_="zhang_account"), "unitPlatePreselect")[0]
    assert early["code"] == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE"
    env.clock.set("2024-07-01")
    assert errors(env.gql(PRESELECT, v, as_="zhang_account"), "unitPlatePreselect") == []


def _exempt_car(env, registered=dt.date(2018, 11, 15), until=None, **kw):
    with _Fac(env) as f:
        car = f.vehicle(unit=env.refs["unit"], registered=registered, **kw)
        if until is not None:
            car.inspection_valid_until = until
            f.session.add(car)
        return car


def test_exempt_mark_window_opens_three_months_before_the_inspection_date(make_env):
    env = make_env(PLUGINS, now="2024-08-16")
    car = _exempt_car(env)  # inspection valid until 2024-11-15: window from 2024-08-17
    v = {"unit": env.refs["unit"].id, "vehicle": car.id}
    early = errors(env.gql(EXEMPT, v, as_="li_account"), "unitExemptMarkApply")[0]
    assert early["code"] == "UNIT_EXEMPT_NOT_ELIGIBLE" and early["rule"].startswith(
        "M20 2024-八-三"
    )
    env.clock.set("2024-08-17")
    ok = env.data(EXEMPT, v, as_="li_account")["unitExemptMarkApply"]  # a user may apply
    assert ok["errors"] == []
    assert ok["application"]["business"] == "申领免检标志"
    assert ok["application"]["city"] == "320100"


def test_exempt_mark_only_for_young_non_operating_small_cars(make_env):
    env = make_env(PLUGINS, now="2024-09-02")
    old = _exempt_car(
        env, registered=dt.date(2014, 11, 15), until=dt.date(2024, 11, 15)
    )  # 10 years old at the end of its inspection period
    truck = _exempt_car(env, category=VehicleCategory.LIGHT_TRUCK)
    rental = _exempt_car(env, use=VehicleUse.RENTAL)
    for car in (old, truck, rental):
        v = {"unit": env.refs["unit"].id, "vehicle": car.id}
        body = env.gql(EXEMPT, v, as_="zhang_account")
        assert errors(body, "unitExemptMarkApply")[0]["code"] == "UNIT_EXEMPT_NOT_ELIGIBLE"
    someone_else = env.refs["zhang_car"]
    body = env.gql(
        EXEMPT, {"unit": env.refs["unit"].id, "vehicle": someone_else.id}, as_="zhang_account"
    )
    assert errors(body, "unitExemptMarkApply")[0]["code"] == "NOT_FOUND"
    assert (
        top_code(env.gql(EXEMPT, {"unit": env.refs["unit"].id, "vehicle": old.id}, as_="clerk"))
        == "FORBIDDEN"
    )
    with env.session() as s:
        assert s.exec(select(Application).where(Application.business == "申领免检标志")).all() == []


def test_contact_change_by_a_manager_readable_by_members(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid = env.refs["unit"].id
    new = {
        "unitId": uid,
        "contactName": "王联系",
        "mobile": "+86 139-1234-5678",
        "postalAddress": "南京市玄武区中山路1号",
    }
    user = env.gql(CONTACT, {"input": new}, as_="li_account")
    refused = errors(user, "unitContactChange")[0]
    assert (refused["code"], refused["measure"]) == ("UNIT_ROLE_REQUIRED", "unit_accounts")
    assert env.data(CONTACT_READ, {"unit": uid}, as_="li_account")["unitContact"] is None
    done = env.data(CONTACT, {"input": new}, as_="zhang_account")["unitContactChange"]
    assert done["contact"] == {
        "contactName": "王联系",
        "mobile": "13912345678",
        "postalAddress": "南京市玄武区中山路1号",
    }
    changed = env.data(CONTACT, {"input": {**new, "mobile": "13800001111"}}, as_="zhang_account")
    assert changed["unitContactChange"]["contact"]["mobile"] == "13800001111"
    read = env.data(CONTACT_READ, {"unit": uid}, as_="li_account")["unitContact"]
    assert read == {"contactName": "王联系", "mobile": "13800001111"}
    bad = env.gql(CONTACT, {"input": {**new, "mobile": "12345"}}, as_="zhang_account")
    assert errors(bad, "unitContactChange")[0] == {
        "code": "INVALID_INPUT",
        "field": "mobile",
        "rule": INPUT_RULE,
        "measure": "unit_accounts",  # a core code, refusing inside this measure's operation
    }
    assert len(outbox_messages(env, "unit_accounts.contact_changed")) == 2
    with env.session() as s:
        assert s.get(UnitContact, uid).mobile == "13800001111"


def test_manager_files_and_removes_a_driver_who_is_told(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid, car = env.refs["unit"].id, env.refs["unit_car"].id
    driver, _account = citizen(env, "司机甲")
    with _Fac(env) as f:
        f.licence(driver)
    no_licence, _ = citizen(env, "无证人")
    base = {"unitId": uid, "vehicleId": car, "idType": "MAINLAND_ID"}
    add = {"input": {**base, "idNumber": driver.id_number}}
    user = env.gql(DRIVER_ADD, add, as_="li_account")
    assert errors(user, "unitFiledDriverAdd")[0]["code"] == "UNIT_ROLE_REQUIRED"
    done = env.data(DRIVER_ADD, add, as_="zhang_account")["unitFiledDriverAdd"]
    assert done["errors"] == [] and done["filedDriver"]["name"] == "司机甲"
    assert "*" in done["filedDriver"]["idNumberMasked"]
    again = env.gql(DRIVER_ADD, add, as_="zhang_account")
    assert errors(again, "unitFiledDriverAdd")[0]["code"] == "UNIT_DRIVER_ALREADY_FILED"
    none = env.gql(
        DRIVER_ADD, {"input": {**base, "idNumber": no_licence.id_number}}, as_="zhang_account"
    )
    assert errors(none, "unitFiledDriverAdd")[0]["code"] == "UNIT_DRIVER_LICENCE_REQUIRED"
    listed = env.data(VEHICLES, {"unit": uid}, as_="li_account")["unitVehicles"]["nodes"]
    assert any(d["name"] == "司机甲" for n in listed for d in n["filedDrivers"])
    fid = done["filedDriver"]["id"]
    gone = env.data(DRIVER_REMOVE, {"unit": uid, "id": fid}, as_="zhang_account")
    assert gone["unitFiledDriverRemove"]["filedDriver"] == {"id": fid, "active": False}
    twice = env.gql(DRIVER_REMOVE, {"unit": uid, "id": fid}, as_="zhang_account")
    assert errors(twice, "unitFiledDriverRemove")[0]["code"] == "NOT_FOUND"
    told = outbox_messages(env, "unit_accounts.driver_filed") + outbox_messages(
        env, "unit_accounts.driver_removed"
    )
    assert [m.person_id for m in told] == [driver.id, driver.id]
    with env.session() as s:
        row = s.get(FiledDriver, fid)
        assert row is not None and row.active is False


def test_filed_driver_of_another_units_vehicle_is_not_found(make_env):
    env = make_env(PLUGINS, now=AFTER)
    other = unit(env, "南京另一家公司")
    boss, boss_account = citizen(env, "别家法人")
    member(env, other, boss, UnitRole.LEGAL_PERSON)
    with _Fac(env) as f:
        f.licence(boss)
    add = {
        "input": {
            "unitId": other.id,
            "vehicleId": env.refs["unit_car"].id,
            "idType": "MAINLAND_ID",
            "idNumber": boss.id_number,
        }
    }
    body = env.gql(DRIVER_ADD, add, as_=boss_account)
    assert errors(body, "unitFiledDriverAdd")[0]["code"] == "NOT_FOUND"


def test_on_the_web_unit_business_needs_the_qr_sign_in_not_a_password(make_env):
    env = make_env(PLUGINS, now=AFTER)
    uid = env.refs["unit"].id
    password = env.post(VEHICLES, {"unit": uid}, as_="li_account", headers=WEB).json()
    err = password["data"]["unitVehicles"] if password.get("data") else None
    assert err is None and password["errors"][0]["extensions"]["code"] == "UNIT_WEB_QR_REQUIRED"
    token = web_token(env, uid, "li_account")
    web = env.post(VEHICLES, {"unit": uid}, as_=token, headers=WEB).json()
    assert not web.get("errors") and web["data"]["unitVehicles"]["totalCount"] == 2
    # the app (no web header) keeps working with the personal token
    assert env.data(VEHICLES, {"unit": uid}, as_="li_account")["unitVehicles"]["totalCount"] == 2
    # a mutation on the web with a password token is refused in its payload, nothing written
    v = {"unit": uid, "vin": VIN, "plate": "苏A8K888"}
    body = env.post(PRESELECT, v, as_="zhang_account", headers=WEB).json()
    assert errors(body, "unitPlatePreselect")[0]["code"] == "UNIT_WEB_QR_REQUIRED"
    assert _reservations(env) == []


def test_a_web_session_acts_only_for_its_unit(make_env):
    env = make_env(PLUGINS, now=AFTER)
    other = unit(env, "南京另一家公司")
    member(env, other, env.refs["li"], UnitRole.ADMIN)
    token = web_token(env, env.refs["unit"].id, "li_account")
    body = env.post(VEHICLES, {"unit": other.id}, as_=token).json()
    assert body["errors"][0]["extensions"]["code"] == "UNIT_WEB_SESSION_OTHER_UNIT"
    own = env.post(VEHICLES, {"unit": env.refs["unit"].id}, as_=token).json()
    assert not own.get("errors")


def test_an_input_missing_a_field_names_it_and_does_not_echo_the_id_number(make_env):
    """Found by a new user's trial: graphql-core's message echoed the whole input back ("found:
    {...}"), ID number included, and `field` named only the variable."""
    env = make_env(PLUGINS, now=AFTER)
    number = "110101199003074514"
    missing = {"input": {"unitId": "U", "idType": "MAINLAND_ID", "idNumber": number}}
    body = env.gql(DRIVER_ADD, missing, as_="zhang_account")
    error = body["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.vehicleId"}, error
    assert "required field 'vehicleId'" in error["message"] and number not in error["message"]
    unknown = {"input": {**missing["input"], "vehicleId": "V", "idNumbr": number}}
    error = env.gql(DRIVER_ADD, unknown, as_="zhang_account")["errors"][0]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "input.idNumbr"}, error
    assert "unknown field 'idNumbr'" in error["message"] and number not in error["message"]
