"""M13 input in look-alike forms (issue 12, item 4): the plate a road officer types, as printed
(`苏A·12345`) or in full width, names the vehicle; look-alike characters are typed refusals."""

from __future__ import annotations

from core.testing import full_width

from .helpers import ROADSIDE


def _env(make_env):
    return make_env(["e_vehicle_licence"], now="2024-09-02")


def test_plate_as_printed_or_full_width_finds_the_vehicle(make_env):
    env = _env(make_env)
    plate = env.refs["zhang_car"].plate
    for spelling in (
        plate[:2] + "·" + plate[2:],
        full_width(plate.lower()),
        plate[:2] + " " + plate[2:],
    ):
        out = env.data(
            ROADSIDE, {"plate": spelling, "p": "PAPER", "c": "320100"}, as_="road_officer"
        )
        assert out["eVehicleLicenceRoadsideCheck"]["check"]["outcome"] == "COMPLIANT", spelling


def test_look_alike_plate_is_a_typed_refusal(make_env):
    env = _env(make_env)
    plate = env.refs["zhang_car"].plate
    for bad in (plate[:-1] + "¹", plate + "\u202e", "苏A1234"):
        out = env.data(ROADSIDE, {"plate": bad, "p": "PAPER", "c": "320100"}, as_="road_officer")
        errors = out["eVehicleLicenceRoadsideCheck"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID_INPUT", "plate")], bad
