"""M09 input in look-alike forms (issue 12, item 4): the agent's ID number and name as clients
type them, and the invisible characters a name must not carry onto the clerk's screen."""

from __future__ import annotations

import pytest

from core.testing import full_width
from core.testing_answers import first_code

from .helpers import (
    PLUGINS,
    create,
    created,
    grant_count,
    use,
)


def test_agent_typed_in_full_width_is_the_same_agent(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    li = env.refs["li"]
    grant = created(env, agentIdNumber=full_width(li.id_number.lower()), agentName=" 李 娜 ")
    assert grant["agentName"] == "李娜"
    # the clerk types the same agent another way: still the named agent
    done = use(env, grant["id"], agentIdNumber=" ".join([li.id_number[:6], li.id_number[6:]]))
    assert done["errors"] == [] and done["entrustment"]["status"] == "USED"


def test_superscript_digit_in_agent_id_number_is_invalid_id_number(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    number = env.refs["li"].id_number
    out = create(env, agentIdNumber=number[:16] + "²" + number[17])
    assert first_code(out) == "INVALID_ID_NUMBER"
    assert out["errors"][0]["field"] == "agentIdNumber"
    assert grant_count(env) == 0


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\x85", "\x7f", "\ufeff"])
def test_invisible_characters_in_agent_name_are_refused(make_env, char: str) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    out = create(env, agentName="李" + char + "娜")
    assert first_code(out) == "INVALID_INPUT" and out["errors"][0]["field"] == "agentName"
    assert grant_count(env) == 0


def test_new_vehicle_vin_in_any_spelling_is_stored_once(make_env) -> None:
    env = make_env(PLUGINS, now="2021-07-01")
    grant = created(
        env,
        business="REGISTRATION",
        vehicleId=None,
        vin=full_width("lsvab 1234 5678 9012"),
        city="320500",
    )
    assert grant["vin"] == "LSVAB123456789012"
