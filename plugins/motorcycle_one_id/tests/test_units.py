"""A unit (单位) owns a motorcycle (issue 16 item 5; M14 2024 item 二 with M20 2024 八-三): its
legal person or an admin applies for the unit, the unit's credit-code certificate is the one
document checked, the completed business makes the unit the owner, the unit is told."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from core.accounts import UnitMember, UnitRole
from core.registries.vehicles import Vehicle, VehicleCategory
from core.testing_answers import codes, top_code
from core.testing_db import outbox_messages, update_row
from core.testing_units import unit_managed_by

from ..models import MotorcycleCase
from .helpers import CHECK, COMPLETE, PLUGINS, REVIEW, SETTING, SHA, count_cases

DAY = "2024-09-02"
UNIT_SUBMIT = """mutation($input: MotorcycleCaseInput!) { motorcycleApplicationSubmit(input: $input) {
  errors { code field rule measure city date }
  application { id status business city crossCity applicantCategory residenceProofRequired
                documents { code rule } unitId unitName applicant { name } } } }"""
UNIT_VIEW = """query($id: ID!) { motorcycleApplication(applicationId: $id) { id unitId unitName
  status vehicle { plate } } }"""
CANCEL = """mutation($a: ID!, $r: String!) { motorcycleApplicationCancel(applicationId: $a, reason: $r) {
  errors { code } application { status } } }"""
FILES = [{"kind": "IDENTITY", "title": "统一社会信用代码证明", "sha256": SHA}]


def _registration(env, vin: str = "LMC4TEST000000101", **over) -> dict:
    body = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
            "vin": vin, "unitId": env.refs["unit"].id}  # fmt: skip
    return {**body, **over}


def _submit(env, body: dict, as_: str = "zhang_account") -> dict:
    return env.data(UNIT_SUBMIT, {"input": body}, as_=as_)["motorcycleApplicationSubmit"]


def _approve(env, app_id: str, docs: list[str], as_: str = "clerk") -> dict:
    rev = {"input": {"applicationId": app_id, "approve": True, "documentsChecked": docs}}
    return env.data(REVIEW, rev, as_=as_)["motorcycleApplicationReview"]


def _complete(env, app_id: str, files: list[dict] = FILES, as_: str = "clerk") -> dict:
    variables = {"input": {"applicationId": app_id, "archiveFiles": files}}
    return env.data(COMPLETE, variables, as_=as_)["motorcycleApplicationComplete"]


def _member(env, name: str, role: UnitRole, unit=None, city: str = "320100", phone: str = ""):
    """A new citizen account that is `role` of `unit` (default: the demo unit)."""
    with env.session() as s:
        f = env.factory(s)
        person, account = f.citizen(name, city=city, phone=phone or None)
        f.unit_member(unit or env.refs["unit"], person, role)
        s.commit()
        return account


# --- allowed ---------------------------------------------------------------------------------------


def test_the_legal_person_registers_a_motorcycle_the_unit_owns(make_env):
    env = make_env(PLUGINS, now=DAY)
    unit = env.refs["unit"]
    out = _submit(env, _registration(env))
    assert out["errors"] == []
    app = out["application"]
    assert app["applicantCategory"] == "UNIT" and app["unitId"] == unit.id
    assert app["unitName"] == "南京畅行汽车租赁有限公司" and app["applicant"]["name"] == "张伟"
    # one document: the unit's, never a residence proof (二-二-1 spirit)
    assert [d["code"] for d in app["documents"]] == ["UNIT_CREDIT_CODE_CERT"]
    assert app["documents"][0]["rule"].startswith("M14 2024-二-二-1")
    assert app["residenceProofRequired"] is False and app["crossCity"] is False
    app_id = app["id"]
    # the clerk checks the unit's certificate, not the signer's ID nor a residence proof
    assert codes(_approve(env, app_id, ["UNIT_CREDIT_CODE_CERT", "RESIDENCE_PROOF"])) == [
        "RESIDENCE_PROOF_NOT_REQUIRED"
    ]
    missing = _approve(env, app_id, ["RESIDENT_ID"])
    assert codes(missing) == ["MISSING_DOCUMENT"]
    assert _approve(env, app_id, ["UNIT_CREDIT_CODE_CERT"])["errors"] == []
    proof = [*FILES, {"kind": "RESIDENCE_PROOF", "title": "居住证明", "sha256": SHA}]
    assert codes(_complete(env, app_id, proof)) == ["RESIDENCE_PROOF_NOT_REQUIRED"]
    done = _complete(env, app_id)
    assert done["errors"] == [] and done["application"]["status"] == "COMPLETED"
    with env.session() as s:
        moto = s.exec(select(Vehicle).where(Vehicle.vin == "LMC4TEST000000101")).one()
        assert moto.owner_unit_id == unit.id and moto.owner_person_id is None
        assert moto.category == VehicleCategory.MOTORCYCLE_2W.value
        assert moto.registration_city == "320100"
    # the unit is told (its legal person and admins read the unit's notices), not the signer alone
    for template in ("motorcycle_one_id.reviewed", "motorcycle_one_id.completed"):
        told = outbox_messages(env, template)
        assert [(m.unit_id, m.person_id) for m in told] == [(unit.id, None)]
    assert moto.plate in outbox_messages(env, "motorcycle_one_id.completed")[0].text


def test_an_admin_applies_and_every_manager_sees_the_case(make_env):
    env = make_env(PLUGINS, now=DAY)
    admin = _member(env, "赵管理", UnitRole.ADMIN, phone="13900009101")
    out = _submit(env, _registration(env), as_=admin)
    assert out["errors"] == []
    app_id = out["application"]["id"]
    # the legal person sees the admin's application for the unit; a plain user and others do not
    seen = env.data(UNIT_VIEW, {"id": app_id}, as_="zhang_account")["motorcycleApplication"]
    assert seen["unitId"] == env.refs["unit"].id
    assert env.data(UNIT_VIEW, {"id": app_id}, as_=admin)["motorcycleApplication"]["id"] == app_id
    assert top_code(env.gql(UNIT_VIEW, {"id": app_id}, as_="li_account")) == "NOT_FOUND"
    assert top_code(env.gql(UNIT_VIEW, {"id": app_id}, as_="elder_account")) == "NOT_FOUND"
    # a manager who left the unit no longer sees it
    update_row(env, UnitMember, env.refs["unit_legal"].id, status="REMOVED")
    assert top_code(env.gql(UNIT_VIEW, {"id": app_id}, as_="zhang_account")) == "NOT_FOUND"


def test_documents_check_for_a_unit_ignores_a_residence_proof_policy(make_env):
    env = make_env(PLUGINS, now=DAY)
    policy = {"name": "南京市摩托车管理规定", "extraDocuments": ["摩托车停放承诺书"],
              "replacesOneId": True}  # fmt: skip
    assert (
        env.data(SETTING, {"v": policy, "scope": "320100"}, as_="national_admin")[
            "measureSettingSet"
        ]["errors"]
        == []
    )
    out = env.data(CHECK, {"input": _registration(env)}, as_="zhang_account")
    docs = [d["code"] for d in out["motorcycleDocumentsCheck"]["documents"]]
    # the local rule's extra document applies to units too; a residence proof cannot
    assert docs == ["UNIT_CREDIT_CODE_CERT", "摩托车停放承诺书"]
    assert out["motorcycleDocumentsCheck"]["applicantCategory"] == "UNIT"
    assert out["motorcycleDocumentsCheck"]["residenceProofRequired"] is False


def test_a_unit_buys_a_motorcycle_and_a_person_buys_it_back(make_env):
    env = make_env(PLUGINS, now=DAY)
    unit, moto = env.refs["unit"], env.refs["zhang_moto"]
    body = {"business": "TRANSFER", "city": "320100", "vin": moto.vin, "plate": moto.plate,
            "unitId": unit.id}  # fmt: skip
    out = _submit(env, body)  # the legal person's own motorcycle, sold to the unit
    assert out["errors"] == []
    app_id = out["application"]["id"]
    assert _approve(env, app_id, ["UNIT_CREDIT_CODE_CERT"])["errors"] == []
    assert _complete(env, app_id)["errors"] == []
    with env.session() as s:
        row = s.get(Vehicle, moto.id)
        assert (row.owner_unit_id, row.owner_person_id) == (unit.id, None)
    again = _submit(env, body)
    assert codes(again) == ["VEHICLE_NOT_ELIGIBLE"]  # the unit already owns it
    # a person buys the unit's motorcycle: the unit stops owning it
    person = {"business": "TRANSFER", "city": "320100", "vin": moto.vin, "plate": moto.plate}
    bought = _submit(env, person, as_="elder_account")
    assert bought["errors"] == [] and bought["application"]["unitId"] is None
    sold_id = bought["application"]["id"]
    assert _approve(env, sold_id, ["RESIDENT_ID"])["errors"] == []
    assert (
        _complete(env, sold_id, [{"kind": "IDENTITY", "title": "身份证", "sha256": SHA}])["errors"]
        == []
    )
    with env.session() as s:
        row = s.get(Vehicle, moto.id)
        assert (row.owner_unit_id, row.owner_person_id) == (None, env.refs["elder"].id)


def test_a_unit_that_moved_brings_its_motorcycle_in(make_env):
    env = make_env(PLUGINS, now=DAY)
    with env.session() as s:
        f = env.factory(s)
        sh_unit = f.unit("上海迁入物流有限公司", "310100")
        f.unit_member(sh_unit, env.refs["li"], UnitRole.LEGAL_PERSON)
        moto = f.vehicle(unit=sh_unit, city="320100", category=VehicleCategory.MOTORCYCLE_LIGHT)
        s.commit()
        unit_id, moto_id, old_plate = sh_unit.id, moto.id, moto.plate
    body = {"business": "MOVE_IN", "city": "310100", "vehicleId": moto_id, "unitId": unit_id}
    # without unitId the unit's motorcycle is not the signer's own
    assert codes(_submit(env, {**body, "unitId": None}, as_="li_account")) == ["NOT_FOUND"]
    out = _submit(env, body, as_="li_account")
    assert out["errors"] == []
    assert [d["code"] for d in out["application"]["documents"]] == ["UNIT_CREDIT_CODE_CERT"]
    app_id = out["application"]["id"]
    assert _approve(env, app_id, ["UNIT_CREDIT_CODE_CERT"], as_="clerk_sh")["errors"] == []
    done = _complete(env, app_id, as_="clerk_sh")
    assert done["errors"] == []
    with env.session() as s:
        row = s.get(Vehicle, moto_id)
        assert row.owner_unit_id == unit_id and row.registration_city == "310100"
        assert row.plate != old_plate and row.plate.startswith("沪")
        assert row.paper_archive is False


def test_the_office_cancels_and_the_unit_is_told(make_env):
    env = make_env(PLUGINS, now=DAY)
    app_id = _submit(env, _registration(env))["application"]["id"]
    out = env.data(CANCEL, {"a": app_id, "r": "合格证与实车不符"}, as_="clerk")
    assert out["motorcycleApplicationCancel"]["errors"] == []
    told = outbox_messages(env, "motorcycle_one_id.cancelled")
    assert (env.refs["unit"].id, None) in [(m.unit_id, m.person_id) for m in told]
    assert all("合格证与实车不符" in m.text for m in told)


# --- refused ---------------------------------------------------------------------------------------


def test_a_plain_unit_user_is_refused(make_env):
    env = make_env(PLUGINS, now=DAY)
    out = _submit(env, _registration(env), as_="li_account")  # li is the unit's USER
    assert codes(out) == ["MOTORCYCLE_UNIT_MANAGER_REQUIRED"]
    assert out["errors"][0]["field"] == "unitId"
    assert out["errors"][0]["rule"].startswith("M14 2024-二-一-1 with M20 2024-八-三")
    assert top_code(env.gql(CHECK, {"input": _registration(env)}, as_="li_account")) == (
        "MOTORCYCLE_UNIT_MANAGER_REQUIRED"
    )
    assert count_cases(env) == 0


def test_another_units_id_or_a_removed_manager_is_not_found(make_env):
    env = make_env(PLUGINS, now=DAY)
    other_id = unit_managed_by(
        env, "南京另一家有限公司", env.refs["elder"], UnitRole.LEGAL_PERSON
    ).id
    # zhang manages the demo unit only: another unit's id answers as if it did not exist
    assert codes(_submit(env, _registration(env, unitId=other_id))) == ["NOT_FOUND"]
    assert codes(_submit(env, _registration(env, unitId="NOSUCHUNIT"))) == ["NOT_FOUND"]
    assert codes(_submit(env, _registration(env), as_="elder_account")) == ["NOT_FOUND"]
    update_row(env, UnitMember, env.refs["unit_legal"].id, status="DISABLED")
    assert codes(_submit(env, _registration(env))) == ["NOT_FOUND"]
    assert count_cases(env) == 0


def test_a_units_business_is_where_it_is_seated_and_has_no_co_owner(make_env):
    env = make_env(PLUGINS, now=DAY)
    wrong = _submit(env, _registration(env, city="310100"))  # the unit is seated in Nanjing
    assert codes(wrong) == ["MOTORCYCLE_UNIT_CITY_MISMATCH"]
    assert wrong["errors"][0]["field"] == "city"
    co_owner = {"business": "CO_OWNER_CHANGE", "city": "320100",
                "vehicleId": env.refs["zhang_moto"].id, "unitId": env.refs["unit"].id,
                "coOwnerIdType": "MAINLAND_ID", "coOwnerIdNumber": env.refs["li"].id_number}  # fmt: skip
    assert codes(_submit(env, co_owner)) == ["MOTORCYCLE_UNIT_BUSINESS_NOT_APPLICABLE"]
    # a unit is declared by unitId only, and then as UNIT
    person_as_unit = _submit(env, _registration(env, unitId=None, applicantCategory="UNIT"))
    assert codes(person_as_unit) == ["APPLICANT_CATEGORY_MISMATCH"]
    unit_as_person = _submit(env, _registration(env, applicantCategory="MAINLAND_RESIDENT"))
    assert codes(unit_as_person) == ["APPLICANT_CATEGORY_MISMATCH"]
    # a car is not a motorcycle for a unit either
    car = _submit(env, _registration(env, vehicleCategory="SMALL_PASSENGER"))
    assert codes(car) == ["NOT_A_MOTORCYCLE"]
    assert count_cases(env) == 0


def test_refused_roles_and_other_city_staff(make_env):
    env = make_env(PLUGINS, now=DAY)
    body = {"input": _registration(env)}
    assert top_code(env.gql(UNIT_SUBMIT, body, as_="road_officer")) == "FORBIDDEN"
    assert top_code(env.gql(UNIT_SUBMIT, body, as_="clerk")) == "FORBIDDEN"
    assert top_code(env.gql(UNIT_SUBMIT, body)) == "UNAUTHENTICATED"
    assert count_cases(env) == 0
    app_id = _submit(env, _registration(env))["application"]["id"]
    assert codes(_approve(env, app_id, ["UNIT_CREDIT_CODE_CERT"], as_="clerk_sh")) == [
        "OUT_OF_JURISDICTION"
    ]
    assert top_code(env.gql(UNIT_VIEW, {"id": app_id}, as_="clerk_sh")) == "OUT_OF_JURISDICTION"


def test_measure_off_in_the_units_city_writes_nothing(make_env):
    env = make_env(PLUGINS, now=DAY)
    env.set_rollout("motorcycle_one_id", "320100", enabled=False)
    out = _submit(env, _registration(env))
    assert codes(out) == ["FEATURE_NOT_ENABLED"] and out["errors"][0]["city"] == "320100"
    # off comes first: even a plain user learns only that the measure is off
    assert codes(_submit(env, _registration(env), as_="li_account")) == ["FEATURE_NOT_ENABLED"]
    assert count_cases(env) == 0


@pytest.mark.parametrize("day,in_force", [("2024-06-30", False), ("2024-07-01", True)])
def test_a_unit_applies_from_2024_07_01(make_env, day, in_force):
    env = make_env(PLUGINS, now=day)
    out = _submit(env, _registration(env))
    if in_force:
        assert out["errors"] == []
        with env.session() as s:
            case = s.get(MotorcycleCase, out["application"]["id"])
            assert case.unit_id == env.refs["unit"].id
            assert case.applicant_category == "UNIT"
            assert case.home_city == "320100"
    else:
        assert codes(out) == ["FEATURE_NOT_ENABLED"]
        assert out["errors"][0]["date"] == dt.date(2024, 6, 30).isoformat()
        assert count_cases(env) == 0


def test_the_units_motorcycle_is_listed_among_its_vehicles(make_env):
    """M20 八-三 "查询、管理本单位名下车辆": the completed registration is the unit's vehicle."""
    env = make_env([*PLUGINS, "unit_accounts"], now=DAY)
    app_id = _submit(env, _registration(env))["application"]["id"]
    assert _approve(env, app_id, ["UNIT_CREDIT_CODE_CERT"])["errors"] == []
    plate = _complete(env, app_id)["application"]["vehicle"]["plate"]
    listed = env.data(
        "query($u: ID!) { unitVehicles(unitId: $u) { nodes { vehicle { plate } } } }",
        {"u": env.refs["unit"].id},
        as_="li_account",  # any active member reads the unit's vehicles
    )["unitVehicles"]["nodes"]
    assert plate in [n["vehicle"]["plate"] for n in listed]
