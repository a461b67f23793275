"""Test support for unit business on the web (2024 八-二): the app's QR sign-in of a unit's manager.

Unit business on the web is allowed only with the token of that sign-in, approved for the unit
(`core.units.require_unit_manager`). The platform under test needs the `unit_accounts` plugin (M20),
which serves the `unitQrLogin*` mutations used here.
"""

from __future__ import annotations

from typing import Any

from core.accounts import Unit, UnitRole
from core.testing import Env
from core.units import CHANNEL_HEADER

WEB = {CHANNEL_HEADER: "WEB"}
"""The headers of a call from the web platform (pass as `env.post(..., headers=WEB)`)."""

QR_CREATE = """mutation($city: String!) { unitQrLoginCreate(city: $city) {
  errors { code } challengeId secret } }"""
QR_APPROVE = """mutation($id: String!, $unit: ID!) { unitQrLoginApprove(challengeId: $id, unitId: $unit) {
  errors { code } approved } }"""
QR_REDEEM = """mutation($id: ID!, $secret: String!) { unitQrLoginRedeem(challengeId: $id, secret: $secret) {
  errors { code } token } }"""


def web_token(env: Env, unit_id: str, who: Any = "zhang_account", city: str = "320100") -> str:
    """The web session token of the app's QR sign-in in `city`, approved by `who` for `unit_id`.

    Raises AssertionError when the approval is refused."""
    created = env.data(QR_CREATE, {"city": city})["unitQrLoginCreate"]
    approved = env.data(QR_APPROVE, {"id": created["challengeId"], "unit": unit_id}, as_=who)
    assert approved["unitQrLoginApprove"]["errors"] == [], approved
    redeemed = env.data(QR_REDEEM, {"id": created["challengeId"], "secret": created["secret"]})
    return redeemed["unitQrLoginRedeem"]["token"]


def unit_managed_by(
    env: Env, name: str, manager: Any, role: UnitRole = UnitRole.ADMIN, city: str = "320100"
) -> Unit:
    """A new unit `name` in `city` with the person `manager` as its member in `role` (committed).

    Its credit code comes from a fresh `env.factory`'s counter: one such unit per test (make more
    in one session)."""
    with env.session() as s:
        f = env.factory(s)
        unit = f.unit(name, city)
        f.unit_member(unit, manager, role)
        s.commit()
    return unit
