"""A unit entrusts an agent for its vehicle (2024 八-三 with 2021 九-一); the agent is told when
named and the owner (and the unit) when the entrustment is used (issue 16 item 1)."""

from __future__ import annotations

from core.registries.vehicles import Vehicle
from core.testing_answers import first_code
from core.testing_db import outbox_messages

from ..models import EntrustmentGrant
from .helpers import CREATE, PLUGINS, agent_of, create_input, grant_count, use

UNIT_FIELDS = "errors { code field rule } entrustment { id unitId status city }"
UNIT_CREATE = CREATE.split("entrustment {")[0] + "entrustment { id unitId status city } } }"


def _unit_create(env, as_="zhang_account", **over):
    data = create_input(
        env, vehicleId=env.refs["unit_car"].id, unitId=env.refs["unit"].id, **agent_of(env, "chen")
    )
    data.update(over)
    return env.data(UNIT_CREATE, {"input": data}, as_=as_)["entrustmentCreate"]


def test_unit_legal_person_entrusts_for_the_unit_vehicle(make_env) -> None:
    env = make_env(PLUGINS, now="2024-09-02")
    payload = _unit_create(env)
    assert payload["errors"] == []
    grant = payload["entrustment"]
    assert grant["unitId"] == env.refs["unit"].id and grant["city"] == "320100"
    named = outbox_messages(env, "online_entrustment.agent_named")
    assert [m.person_id for m in named] == [env.refs["chen"].id]
    assert "南京畅行汽车租赁有限公司" in named[0].text
    used = use(env, grant["id"], **agent_of(env, "chen"))
    assert used["errors"] == []
    told = outbox_messages(env, "online_entrustment.used")
    assert {(m.person_id, m.unit_id) for m in told} == {
        (env.refs["zhang"].id, None),
        (None, env.refs["unit"].id),
    }


def test_unit_entrustment_refusals(make_env) -> None:
    env = make_env(PLUGINS, now="2024-09-02")
    user = _unit_create(env, as_="li_account")  # a unit user, not a manager
    assert first_code(user) == "ENTRUSTMENT_UNIT_MANAGER_REQUIRED"
    assert user["errors"][0]["rule"].startswith("M20 2024-八-三")
    outsider = _unit_create(env, as_="elder_account")
    assert first_code(outsider) == "NOT_FOUND"
    personal_car = _unit_create(env, vehicleId=env.refs["zhang_car"].id)
    assert first_code(personal_car) == "NOT_FOUND"
    licence = _unit_create(
        env, business="REPLACE_LICENCE", vehicleId=None, licenceId=env.refs["zhang_licence"].id
    )
    assert first_code(licence) == "ENTRUSTMENT_WRONG_SUBJECT"
    # without unitId the unit's vehicle is not the signer's own
    body = env.data(
        UNIT_CREATE,
        {"input": create_input(env, vehicleId=env.refs["unit_car"].id, **agent_of(env, "chen"))},
        as_="zhang_account",
    )["entrustmentCreate"]
    assert first_code(body) == "NOT_FOUND"
    assert grant_count(env) == 0
    assert outbox_messages(env, "online_entrustment.agent_named") == []


def test_unit_vehicle_sold_after_entrusting_is_refused(make_env) -> None:
    env = make_env(PLUGINS, now="2024-09-02")
    grant = _unit_create(env)["entrustment"]
    with env.session() as s:
        car = s.get(Vehicle, env.refs["unit_car"].id)
        car.owner_unit_id, car.owner_person_id = None, env.refs["li"].id
        s.add(car)
        s.commit()
    assert first_code(use(env, grant["id"], **agent_of(env, "chen"))) == "ENTRUSTMENT_OWNER_CHANGED"
    assert outbox_messages(env, "online_entrustment.used") == []


def test_personal_entrustment_tells_agent_and_owner(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    payload = env.data(CREATE, {"input": create_input(env)}, as_="zhang_account")
    grant = payload["entrustmentCreate"]["entrustment"]
    named = outbox_messages(env, "online_entrustment.agent_named")
    assert [m.person_id for m in named] == [env.refs["li"].id]
    assert "2021-07-31" in named[0].text  # the last day, as rules.validity_end decides
    assert outbox_messages(env, "online_entrustment.used") == []
    use(env, grant["id"])
    told = outbox_messages(env, "online_entrustment.used")
    assert [m.person_id for m in told] == [env.refs["zhang"].id]
    with env.session() as s:
        assert s.get(EntrustmentGrant, grant["id"]).owner_unit_id is None


def test_an_entrustment_is_never_stuck() -> None:
    from ..workflows import GRANT

    assert GRANT.problems() == []
    assert {t.name for t in GRANT.exits("ACTIVE")} == {"use", "revoke", "expire"}
