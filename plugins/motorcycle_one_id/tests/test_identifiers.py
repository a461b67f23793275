"""M14 input in look-alike forms (issue 12, item 4): VINs, plates and ID numbers as clients type
them reach the same vehicle or person, and look-alike digits are typed refusals."""

from __future__ import annotations

from sqlmodel import select

from core.testing import full_width
from core.testing_answers import codes

from ..models import MotorcycleCase
from .helpers import PLUGINS, SUBMIT, count_cases


def _submit(env, body: dict, as_: str = "li_account") -> dict:
    return env.data(SUBMIT, {"input": body}, as_=as_)["motorcycleApplicationSubmit"]


def test_transfer_finds_the_vehicle_whatever_the_spelling(make_env):
    env = make_env(PLUGINS)
    moto = env.refs["zhang_moto"]
    plate = moto.plate[:2] + "·" + moto.plate[2:]  # 苏A·00003 as printed on the plate
    body = {
        "business": "TRANSFER",
        "city": "320100",
        "vin": full_width(moto.vin.lower()),
        "plate": full_width(plate.lower()),
    }
    out = _submit(env, body)
    assert out["errors"] == [] and out["application"]["status"] == "SUBMITTED"
    with env.session() as s:
        assert s.exec(select(MotorcycleCase.vin)).one() == moto.vin


def test_registration_of_a_known_vin_in_another_spelling_is_refused(make_env):
    env = make_env(PLUGINS)
    moto = env.refs["zhang_moto"]
    body = {
        "business": "REGISTRATION",
        "city": "320100",
        "vehicleCategory": "MOTORCYCLE_2W",
        "vin": " ".join([moto.vin[:3].lower(), moto.vin[3:9], full_width(moto.vin[9:])]),
    }
    out = _submit(env, body)
    assert codes(out) == ["ALREADY_EXISTS"] and out["errors"][0]["field"] == "vin"
    assert count_cases(env) == 0


def test_look_alike_digits_are_typed_refusals(make_env):
    env = make_env(PLUGINS)
    moto = env.refs["zhang_moto"]
    vin = {"business": "REGISTRATION", "city": "320100", "vehicleCategory": "MOTORCYCLE_2W",
           "vin": "LMC4TEST00000000²"}  # fmt: skip
    out = _submit(env, vin)
    assert out["errors"][0]["code"] == "INVALID_INPUT" and out["errors"][0]["field"] == "vin"
    assert (
        "SUPERSCRIPT TWO"
        in env.data(
            SUBMIT.replace("errors { code", "errors { message code"),
            {"input": vin},
            as_="li_account",
        )["motorcycleApplicationSubmit"]["errors"][0]["message"]
    )
    plate = {"business": "TRANSFER", "city": "320100", "vin": moto.vin,
             "plate": moto.plate[:-1] + "\u202e" + moto.plate[-1]}  # fmt: skip
    out = _submit(env, plate)
    assert out["errors"][0]["code"] == "INVALID_INPUT" and out["errors"][0]["field"] == "plate"
    li = env.refs["li"]
    co_owner = {"business": "CO_OWNER_CHANGE", "city": "320100", "vehicleId": moto.id,
                "coOwnerIdType": "MAINLAND_ID",
                "coOwnerIdNumber": li.id_number[:-2] + "²" + li.id_number[-1]}  # fmt: skip
    out = _submit(env, co_owner, as_="zhang_account")
    assert out["errors"][0]["code"] == "INVALID_ID_NUMBER"
    assert out["errors"][0]["field"] == "coOwnerIdNumber"
    assert count_cases(env) == 0
