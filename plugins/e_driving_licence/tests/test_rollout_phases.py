"""M01 issuance follows the phases the seeds give (issue 15 item 4): a pilot the provinces
configure from 2021-06-01, the cities named by the 2021-08 news from 2021-09-01, nationwide from
2022; verification is valid nationwide at every date (2021-一-五-2)."""

from __future__ import annotations

import datetime as dt

from core.clock import CHINA_TZ
from core.registries.applications import Application
from core.testing_db import row_count

from .helpers import REVIEW, SHOW, VERIFY, apply

SET = """mutation($c: String!, $f: Date!) { rolloutSet(input: {measure: "e_driving_licence",
  city: $c, enabled: true, validFrom: $f, note: "试点"}) { errors { code field } } }"""


_SEQ = iter(range(1, 1000))


def _holder(env, city: str, name: str):
    with env.session() as s:
        f = env.factory(s)
        f.counter += 7000 + next(_SEQ) * 10
        person, account = f.citizen(name, birth=dt.date(1985, 3, 3), city=city)
        licence = f.licence(
            person, "C1", dt.date(2010, 1, 1), city, valid_from=dt.date(2020, 1, 1), valid_years=10
        )
        s.commit()
    return account, licence


def _day(env, day: str) -> None:
    env.clock.set(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(9), tzinfo=CHINA_TZ))


def test_a_named_city_issues_from_2021_09_01(make_env):
    env = make_env(["e_driving_licence"], now="2021-08-31")
    account, licence = _holder(env, "110100", "京电证")
    refused = apply(env, account, licence)["errors"][0]
    assert refused["code"] == "FEATURE_NOT_ENABLED" and refused["city"] == "110100"
    assert row_count(env, Application) == 0
    _day(env, "2021-09-01")
    assert apply(env, account, licence)["errors"] == []
    for city, name in (("220100", "长电证"), ("450100", "邕电证")):
        other_account, other = _holder(env, city, name)
        assert apply(env, other_account, other)["errors"] == []


def test_other_cities_wait_for_2022_unless_their_province_configures_them(make_env):
    """Nanjing (not named) was on from 2021-06-01 on old main; now it waits for 2022-01-01."""
    env = make_env(["e_driving_licence"], now="2021-06-01")
    licence = env.refs["zhang_licence"]
    assert apply(env, "zhang_account", licence)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    _day(env, "2021-12-31")
    assert apply(env, "zhang_account", licence)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    _day(env, "2022-01-01")
    assert apply(env, "zhang_account", licence)["errors"] == []


def test_a_province_makes_one_of_its_cities_a_pilot(make_env):
    env = make_env(["e_driving_licence"], now="2021-07-01")
    licence = env.refs["zhang_licence"]
    assert apply(env, "zhang_account", licence)["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    set_ = env.data(SET, {"c": "320100", "f": "2021-07-01"}, as_="province_admin")["rolloutSet"]
    assert set_["errors"] == []
    env.platform.rollout.reload()
    assert apply(env, "zhang_account", licence)["errors"] == []


def test_verification_is_valid_where_issuance_is_not_on(make_env):
    """An e-licence issued in Beijing in 2021-09 verifies in Nanjing, where issuance starts only
    in 2022 (一-五-2 "电子驾驶证在全国范围内有效")."""
    env = make_env(["e_driving_licence"], now="2021-09-01")
    account, licence = _holder(env, "110100", "京验证")
    app = apply(env, account, licence)["application"]["id"]
    review = env.data(REVIEW, {"id": app, "ok": True}, as_="clerk_bj")["eDrivingLicenceReview"]
    assert review["errors"] == []
    _day(env, "2021-10-01")
    payload = env.data(SHOW, {"n": 1}, as_=account)["eDrivingLicenceShow"]["payloads"][0]["text"]
    out = env.gql(VERIFY, {"in": {"payload": payload, "purpose": "路面核验"}}, as_="road_officer")
    verification = out["data"]["eDrivingLicenceVerify"]
    assert verification["errors"] == [] and verification["verification"]["accepted"] is True
