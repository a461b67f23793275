"""M13 refuses local e-vehicle-licence versions where the unified one is in force (2024-一-五-2),
as M01 does for driving licences (issue 15 item 9)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.clock import CHINA_TZ

from ..models import EvlLocalVersion

LOCAL = """mutation($c: String!, $n: String!) { eVehicleLicenceLocalVersionRegister(input: {city: $c, name: $n}) {
  errors { code field rule city date } localVersionId } }"""


def _register(env, city, as_, name="本地电子行驶证"):
    body = env.data(LOCAL, {"c": city, "n": name}, as_=as_)
    return body["eVehicleLicenceLocalVersionRegister"]


def _count(env):
    with env.session() as s:
        return len(s.exec(select(EvlLocalVersion)).all())


def test_refused_from_the_day_the_unified_licence_is_in_force(evl):
    env = evl(now="2024-06-30")
    assert _register(env, "320100", "clerk")["errors"] == [] and _count(env) == 1
    env.clock.set(dt.datetime(2024, 7, 1, 9, tzinfo=CHINA_TZ))
    refused = _register(env, "320100", "clerk")["errors"][0]
    assert refused["code"] == "EVL_LOCAL_VERSION_REFUSED" and "2024-一-五-2" in refused["rule"]
    assert refused["city"] == "320100" and refused["date"] == "2024-07-01"
    partner = _register(env, "320100", env.refs["insurer"])["errors"][0]
    assert partner["code"] == "EVL_LOCAL_VERSION_REFUSED"
    assert _count(env) == 1


def test_accepted_where_the_unified_licence_is_off(evl):
    env = evl()
    env.set_rollout("e_vehicle_licence", "320100", enabled=False)
    env.platform.rollout.reload()
    assert _register(env, "320100", "clerk")["errors"] == []
    assert _register(env, "110100", "clerk_bj")["errors"][0]["code"] == "EVL_LOCAL_VERSION_REFUSED"


def test_roles_jurisdiction_and_input(evl):
    env = evl(now="2024-06-30")
    assert _register(env, "310100", "clerk")["errors"][0]["code"] == "OUT_OF_JURISDICTION"
    body = env.gql(LOCAL, {"c": "320100", "n": "x"}, as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = env.gql(LOCAL, {"c": "320100", "n": "x"}, as_="road_officer")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert _register(env, "999999", "clerk")["errors"][0]["code"] == "UNKNOWN_CITY"
    assert _register(env, "320100", "clerk", name="")["errors"][0]["field"] == "name"
    assert _count(env) == 0
