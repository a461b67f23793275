"""M20 input in look-alike forms (issue 12, item 4): the unit's credit code and the member's ID
number as a window clerk types them name the same unit and person; look-alikes are refused."""

from __future__ import annotations

from core.testing import full_width
from core.testing_answers import top_code

from .helpers import (
    AFTER,
    PLUGINS,
    active_members,
    citizen,
    errors,
    register_typed,
)


def test_credit_code_and_id_number_in_any_spelling(make_env):
    env = make_env(PLUGINS, now=AFTER)
    unit = env.refs["unit"]
    person, _ = citizen(env, "周管理")
    code = unit.credit_code
    typed = full_width(f"{code[:2]}-{code[2:8]}-{code[8:]}".lower())
    # the document type is an IdType: its one spelling (lower case is not coerced)
    wrong_case = register_typed(env, typed, person.id_number, id_type="mainland_id")
    assert top_code(wrong_case) == "BAD_USER_INPUT" and wrong_case["data"] is None
    body = register_typed(env, typed, full_width(person.id_number.lower()))
    assert errors(body, "unitManagerRegister") == []
    again = register_typed(
        env, code.lower(), " ".join([person.id_number[:6], person.id_number[6:]])
    )
    assert errors(again, "unitManagerRegister")[0]["code"] == "UNIT_ALREADY_MEMBER"
    admins = [m for m in active_members(env, unit.id) if m.person_id == person.id]
    assert len(admins) == 1


def test_look_alike_digits_are_typed_refusals(make_env):
    env = make_env(PLUGINS, now=AFTER)
    unit = env.refs["unit"]
    person, _ = citizen(env, "周管理")
    code, number = unit.credit_code, person.id_number
    bad_code = register_typed(env, code[:3] + "²" + code[4:], number)
    assert [(e["code"], e["field"]) for e in errors(bad_code, "unitManagerRegister")] == [
        ("INVALID_CREDIT_CODE", "unitCreditCode")
    ]
    bad_number = register_typed(env, code, number[:3] + "٣" + number[4:])
    assert [(e["code"], e["field"]) for e in errors(bad_number, "unitManagerRegister")] == [
        ("INVALID_ID_NUMBER", "idNumber")
    ]
    assert all(m.person_id != person.id for m in active_members(env, unit.id))
