"""M02 input in look-alike forms (issue 12, item 4): VIN, plate, invoice number and credit code as
clients type them, stored in one form; look-alike digits are typed refusals."""

from __future__ import annotations

from sqlmodel import select

from core.identity import make_credit_code
from core.registries.vehicles import Vehicle
from core.testing import full_width

from ..models import UsedCarTransferRow
from .helpers import (
    PLUGINS,
    apply,
    inspect,
    register,
    transfer_count,
)


def test_spellings_reach_the_same_car_and_are_stored_once(make_env):
    env = make_env(PLUGINS, now="2021-06-01")
    car = env.refs["li_car"]
    dealer = make_credit_code(9)
    out = apply(
        env,
        car,
        "320100",
        vin=full_width(car.vin.lower()),
        plate=car.plate[:2] + "·" + full_width(car.plate[2:]),
        invoiceNumber="inv-2021 0601",
        dealerCreditCode=full_width(dealer.lower()),
    )
    assert out["errors"] == [], out
    with env.session() as s:
        row = s.exec(select(UsedCarTransferRow)).one()
        assert (row.invoice_number, row.dealer_credit_code) == ("INV20210601", dealer)
    assert inspect(env, out["transfer"]["id"])["errors"] == []
    done = register(env, out["transfer"]["id"], plate="苏a・9x001")
    assert done["errors"] == [] and done["transfer"]["plateAfter"] == "苏A9X001"
    with env.session() as s:
        assert s.get(Vehicle, car.id).plate == "苏A9X001"


def test_look_alike_characters_are_typed_refusals(make_env):
    env = make_env(PLUGINS, now="2021-06-01")
    car = env.refs["li_car"]
    for field, value, code in [
        ("vin", car.vin[:-1] + "²", "INVALID_INPUT"),
        ("plate", car.plate[:-1] + "٣", "INVALID_INPUT"),
        ("invoiceNumber", "INV2021060\u200b1", "INVALID_INPUT"),
        ("dealerCreditCode", make_credit_code(9)[:-2] + "²X", "INVALID_CREDIT_CODE"),
    ]:
        out = apply(env, car, "320100", **{field: value})
        assert [(e["code"], e["field"]) for e in out["errors"]] == [(code, field)], field
    assert transfer_count(env) == 0
    ok = apply(env, car, "320100")
    assert inspect(env, ok["transfer"]["id"])["errors"] == []
    bad = register(env, ok["transfer"]["id"], plate="苏A9X00¹")
    assert [(e["code"], e["field"]) for e in bad["errors"]] == [("INVALID_INPUT", "newPlate")]
