"""The citizen's home screen in one request: its SQL statements do not grow with the list.

One document asks for `me`, `myDrivingLicences`, `myVehicles`, `myEDrivingLicence`,
`eDrivingLicenceShow` and `preciseGuidanceTodos` with their guides and nearest outlets
(tests/home_screen.py). The caller's person, licences and vehicles are read once per request and
shared by the fields (core/registries/caller.py); the to-dos' guides and outlets are read with one
statement each (plugins/precise_guidance/service.py).
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from core.accounts import Person
from core.documents import credentials as cred
from core.identity import mask_id_number
from core.testing import StatementCounter
from plugins.e_driving_licence.schema import qr_version_for_length
from tests.home_screen import (
    HOME_QUERY,
    LOCATION,
    NANJING_INSPECTION,
    PLUGINS,
    add_citizen,
    add_outlets,
    add_vehicles,
)

NOW = "2024-09-02"
# each of these is read at most once per request, whatever the document asks for
READ_ONCE = ("accounts", "persons", "driving_licences", "vehicles", "credentials_issued")


def _world(make_env, vehicles: int):
    env = make_env(PLUGINS, now=NOW)
    with env.session() as s:
        factory = env.factory(s)
        add_outlets(s, env.clock.now())
        person, account, licence = add_citizen(
            factory, "赵强", vehicles, office=env.refs["office:320100"]
        )
        s.commit()
    env.refs.update(zhao=person, zhao_account=account, zhao_licence=licence)
    env.counter = factory.counter  # type: ignore[attr-defined]
    return env


def _more_vehicles(env, count: int, start: int) -> None:
    with env.session() as s:
        factory = env.factory(s)
        factory.counter = env.counter
        add_vehicles(factory, s.get(Person, env.refs["zhao"].id), count, start)
        env.counter = factory.counter
        s.commit()


def _tables(counter: StatementCounter) -> Counter[str]:
    return Counter(
        m.group(1)
        for statement in counter.statements
        for m in [re.search(r"\bFROM (\w+)", statement)]
        if m is not None
    )


def _home(env, token, variables):
    with env.count_statements() as counter:
        data = env.data(HOME_QUERY, variables, as_=token)
    return data, counter


@pytest.mark.parametrize("where", [LOCATION, {}], ids=["location", "no-location"])
def test_statements_do_not_depend_on_the_number_of_vehicles(make_env, where):
    env = _world(make_env, vehicles=1)
    token = env.token(env.refs["zhao_account"])
    env.data(HOME_QUERY, where, as_=token)  # the document is prepared once, outside the count
    one, counted_1 = _home(env, token, where)
    _more_vehicles(env, 19, start=1)
    twenty, counted_20 = _home(env, token, where)

    assert len(one["myVehicles"]) == 1 and len(one["preciseGuidanceTodos"]) == 3
    assert len(twenty["myVehicles"]) == 20 and len(twenty["preciseGuidanceTodos"]) == 22
    assert counted_1.count == counted_20.count, (
        f"1 vehicle:\n{counted_1.report()}\n20 vehicles:\n{counted_20.report()}"
    )
    for counted in (counted_1, counted_20):
        tables = _tables(counted)
        for table in READ_ONCE:
            assert tables[table] <= 1, f"{table} read {tables[table]} times:\n{counted.report()}"
        # a to-do costs nothing: one read of guides and one of outlets for all of them
        assert tables["precise_guidance_guides"] == 1
        assert tables["precise_guidance_outlets"] == 1


def test_home_screen_with_one_vehicle_answers_as_before(make_env):
    """The answer the per-item resolvers gave, field by field."""
    env = _world(make_env, vehicles=1)
    data = env.data(HOME_QUERY, LOCATION, as_=env.refs["zhao_account"])
    person, licence = env.refs["zhao"], env.refs["zhao_licence"]

    me = data["me"]
    assert me["kind"] == "CITIZEN" and me["roles"] == ["CITIZEN"]
    assert me["person"]["id"] == person.id and me["person"]["name"] == "赵强"
    assert me["person"]["idNumber"] == mask_id_number(person.id_number)  # masked by default
    assert [lic["id"] for lic in data["myDrivingLicences"]] == [licence.id]
    assert data["myDrivingLicences"][0]["validUntil"] == "2024-11-01"
    assert data["myDrivingLicences"][0]["classes"] == ["C1"]
    (car,) = data["myVehicles"]
    assert car["inspectionValidUntil"] == "2024-09-12" and car["registrationCity"] == "320100"

    e_licence = data["myEDrivingLicence"]
    assert e_licence["liveStatus"] == "VALID" and e_licence["statusReasons"] == []
    assert e_licence["issuingOffice"] == "南京市车辆管理所"
    assert e_licence["licence"]["id"] == licence.id
    payloads = data["eDrivingLicenceShow"]["payloads"]
    assert len(payloads) == 2 and all(p["text"].startswith("DL1:") for p in payloads)
    assert payloads[0]["notBefore"] == "2024-09-02T09:00:00+08:00"
    assert data["eDrivingLicenceShow"]["qrVersion"] == cred.qr_version(payloads[0]["text"])

    todos = data["preciseGuidanceTodos"]
    assert [(t["business"], t["due"], t["subjectRef"].split(":")[0]) for t in todos] == [
        ("PAYMENT", "2024-09-02", "Violation"),
        ("INSPECTION", "2024-09-12", "Vehicle"),
        ("RENEWAL", "2024-11-01", "DrivingLicence"),
    ]
    payment, inspection, renewal = todos
    assert inspection["subjectRef"] == f"Vehicle:{car['id']}"
    assert inspection["subject"] == f"机动车 {car['plate']}"
    assert inspection["guide"]["local"] is True
    assert inspection["guide"]["process"] == NANJING_INSPECTION
    assert inspection["outlet"]["outlet"]["name"] == "南京江宁登记服务站"
    assert inspection["outlet"]["distanceKm"] == 0.33
    assert payment["guide"]["local"] is False and payment["guide"]["materials"] == [
        "处罚决定书编号"
    ]
    assert payment["outlet"]["outlet"]["name"] == "南京江宁登记服务站"
    # 江宁 does not renew licences: the nearest outlet that does (about 16.6 km)
    assert renewal["outlet"]["outlet"]["name"] == "南京市车辆管理所"
    assert renewal["outlet"]["distanceKm"] == pytest.approx(16.6, abs=0.5)
    assert renewal["guide"]["local"] is False and renewal["overdue"] is False


def test_twenty_todos_each_with_its_guide_and_outlet(make_env):
    env = _world(make_env, vehicles=20)
    data = env.data(HOME_QUERY, LOCATION, as_=env.refs["zhao_account"])
    vehicles = {v["id"]: v for v in data["myVehicles"]}
    assert len(vehicles) == 20
    todos = [t for t in data["preciseGuidanceTodos"] if t["subjectRef"].startswith("Vehicle:")]
    assert sorted(t["subjectRef"] for t in todos) == sorted(f"Vehicle:{i}" for i in vehicles)
    assert [t["due"] for t in todos] == sorted(t["due"] for t in todos)
    for todo in todos:
        car = vehicles[todo["subjectRef"].split(":")[1]]
        assert todo["due"] == car["inspectionValidUntil"]
        assert todo["subject"] == f"机动车 {car['plate']}"
        city = car["registrationCity"]
        assert todo["guide"]["city"] == city
        if todo["business"] == "INSPECTION":  # registered 2010: a car older than ten years
            assert todo["guide"]["local"] is (city == "320100")  # Nanjing has its own guide
            assert todo["outlet"]["outlet"]["name"] == "南京江宁登记服务站"
        else:  # a young car: 申领免检标志, which 江宁 does not handle
            assert todo["business"] == "EXEMPT_MARK"
            assert todo["guide"]["local"] is False
            assert todo["outlet"]["outlet"]["name"] == "南京市车辆管理所"
    assert Counter(t["business"] for t in todos) == {"INSPECTION": 10, "EXEMPT_MARK": 10}
    # without a location: the domicile city's outlets, by name, no distance
    plain = env.data(HOME_QUERY, {}, as_=env.refs["zhao_account"])["preciseGuidanceTodos"]
    assert len(plain) == 22 and all(t["outlet"]["distanceKm"] is None for t in plain)
    by_business = {t["business"]: t["outlet"]["outlet"]["name"] for t in plain}
    assert by_business["INSPECTION"] == "南京市车辆管理所"  # 南京市… sorts before 南京江宁…
    assert by_business["RENEWAL"] == "南京市车辆管理所"


def test_each_caller_sees_only_their_own_home(make_env):
    env = _world(make_env, vehicles=2)
    zhao = env.data(HOME_QUERY, LOCATION, as_=env.refs["zhao_account"])
    zhang = env.gql(HOME_QUERY, LOCATION, as_="zhang_account")
    # 张伟 has no e-licence in this world: a non-null field refuses, so nothing shows at all
    assert zhang["data"] is None
    assert {e["extensions"]["code"] for e in zhang["errors"]} == {"EDL_NOT_ISSUED"}
    alone = env.data(
        "{ me { person { id } } myVehicles { id } myDrivingLicences { id } }", as_="zhang_account"
    )
    assert alone["me"]["person"]["id"] == env.refs["zhang"].id
    assert {v["id"] for v in alone["myVehicles"]} == {
        env.refs["zhang_car"].id,
        env.refs["zhang_moto"].id,
    }
    assert not {v["id"] for v in alone["myVehicles"]} & {v["id"] for v in zhao["myVehicles"]}
    assert [lic["id"] for lic in alone["myDrivingLicences"]] == [env.refs["zhang_licence"].id]


def test_checks_still_apply_to_every_field(make_env):
    env = _world(make_env, vehicles=1)
    # staff and partners hold no home screen; the anonymous caller is asked to sign in
    for who, code in (("clerk", "FORBIDDEN"), ("insurer", "FORBIDDEN"), (None, "UNAUTHENTICATED")):
        body = env.gql(HOME_QUERY, LOCATION, as_=env.refs.get(who) if who else None)
        assert body["data"] is None
        assert {e["extensions"]["code"] for e in body["errors"]} == {code}, (who, body)
    # measure by measure: the e-licence off in Nanjing refuses its fields, the rest answers
    env.set_rollout("e_driving_licence", "320100", enabled=False)
    zhao = env.refs["zhao_account"]
    body = env.gql(HOME_QUERY, LOCATION, as_=zhao)
    assert {e["extensions"]["code"] for e in body["errors"]} == {"FEATURE_NOT_ENABLED"}
    body = env.gql("{ eDrivingLicenceShow { qrVersion } }", as_=zhao)
    assert body["errors"][0]["extensions"]["code"] == "FEATURE_NOT_ENABLED"
    # one's own record still answers where the measure is off (the rollout gates new business)
    assert env.data("{ myEDrivingLicence { liveStatus } }", as_=zhao)["myEDrivingLicence"]
    rest = env.data(
        "query($lat: Float, $lon: Float) { myVehicles { id } "
        "preciseGuidanceTodos(latitude: $lat, longitude: $lon) { business } }",
        LOCATION,
        as_=zhao,
    )
    assert len(rest["myVehicles"]) == 1 and len(rest["preciseGuidanceTodos"]) == 3
    env.set_rollout("precise_guidance", "320100", enabled=False)
    body = env.gql("{ myVehicles { id } preciseGuidanceTodos { business } }", as_=zhao)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FEATURE_NOT_ENABLED"]
    assert body["errors"][0]["path"] == ["preciseGuidanceTodos"]


def test_the_next_request_reads_afresh(make_env):
    """Records are shared within one request, never across requests."""
    env = _world(make_env, vehicles=1)
    token = env.token(env.refs["zhao_account"])
    assert len(env.data(HOME_QUERY, LOCATION, as_=token)["myVehicles"]) == 1
    _more_vehicles(env, 1, start=1)
    data = env.data(HOME_QUERY, LOCATION, as_=token)
    assert len(data["myVehicles"]) == 2 and len(data["preciseGuidanceTodos"]) == 4


def test_qr_version_depends_on_the_length_only():
    """`qrVersion` is worked out per payload length: the same as encoding each payload."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    rng = random.Random(13)
    for length in range(120, 330, 7):
        text = "DL1:" + "".join(rng.choice(alphabet) for _ in range(length - 4))
        assert qr_version_for_length(length) == cred.qr_version(text), length
