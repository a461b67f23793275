"""Every refusal names its rule: the core's own input, visibility and workflow refusals name the
core rule (core.errors.CORE_RULES) when the code that raised them gave none; a measure's rule is
kept where one is given."""

from __future__ import annotations

from core.errors import CORE_RULES, Code, NotFound, RuleError

VERIFY = """mutation($in: EVehicleLicenceVerifyInput!) { eVehicleLicenceVerify(input: $in) {
  errors { code field rule } } }"""


def test_core_codes_default_to_the_core_rule_and_a_given_rule_is_kept():
    assert NotFound("Licence", "licenceId").rule == CORE_RULES[Code.NOT_FOUND]
    assert RuleError(Code.TOO_LONG, "x", field="note").rule == CORE_RULES[Code.TOO_LONG]
    given = RuleError(Code.INVALID_INPUT, "x", rule="M01 2021-一-五-3")
    assert given.rule == "M01 2021-一-五-3"
    assert RuleError("EDL_SOMETHING", "x").rule is None  # a measure's code names its own rule
    assert RuleError(Code.NOT_FOUND, "x").extensions()["rule"] == CORE_RULES[Code.NOT_FOUND]


def test_bad_input_through_the_api_names_the_core_rule(make_env):
    env = make_env(("e_vehicle_licence",), now="2024-09-02")
    for payload, purpose, code in (
        ("VL1:X", "", "INVALID_INPUT"),
        ("VL1:" + "A" * 700, "核验", "TOO_LONG"),
    ):
        body = env.data(
            VERIFY, {"in": {"payload": payload, "purpose": purpose}}, as_="road_officer"
        )
        error = body["eVehicleLicenceVerify"]["errors"][0]
        assert error["code"] == code and error["rule"] == CORE_RULES[code], error
