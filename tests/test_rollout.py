"""Rollout decisions: every branch of the specificity and date rules, and the admin mutation."""

import datetime as dt

import pytest

from core.divisions import CITIES
from core.rollout import NATIONAL, RolloutRule, decide

NJ = CITIES["320100"]  # Nanjing, Jiangsu
SZ = CITIES["320500"]  # Suzhou, Jiangsu
SH = CITIES["310100"]


def rule(prov, city, start, until=None, enabled=True):
    return RolloutRule(
        measure="m",
        province_code=prov,
        city_code=city,
        valid_from=start,
        valid_until=until,
        enabled=enabled,
    )


D = dt.date


@pytest.mark.parametrize(
    "rules,city,day,expected",
    [
        ([], NJ, D(2022, 1, 1), False),
        ([rule(NATIONAL, NATIONAL, D(2022, 6, 30))], NJ, D(2022, 6, 29), False),
        ([rule(NATIONAL, NATIONAL, D(2022, 6, 30))], NJ, D(2022, 6, 30), True),
        ([rule("320000", "*", D(2021, 9, 1))], NJ, D(2021, 9, 1), True),
        ([rule("320000", "*", D(2021, 9, 1))], SH, D(2021, 9, 1), False),
        ([rule("320000", "320100", D(2021, 6, 1))], SZ, D(2021, 7, 1), False),
        ([rule("320000", "320100", D(2021, 6, 1), D(2021, 6, 30))], NJ, D(2021, 6, 30), True),
        ([rule("320000", "320100", D(2021, 6, 1), D(2021, 6, 30))], NJ, D(2021, 7, 1), False),
        # a city rule disabling beats a national enabling
        (
            [
                rule(NATIONAL, NATIONAL, D(2020, 1, 1)),
                rule("320000", "320100", D(2021, 1, 1), enabled=False),
            ],
            NJ,
            D(2021, 5, 1),
            False,
        ),
        # before the disabling window the national rule applies
        (
            [
                rule(NATIONAL, NATIONAL, D(2020, 1, 1)),
                rule("320000", "320100", D(2021, 1, 1), enabled=False),
            ],
            NJ,
            D(2020, 5, 1),
            True,
        ),
        # a city enabling beats a province disabling
        (
            [
                rule("320000", "*", D(2020, 1, 1), enabled=False),
                rule("320000", "320100", D(2020, 1, 1)),
            ],
            NJ,
            D(2021, 1, 1),
            True,
        ),
        # same level: deny beats allow
        (
            [
                rule("320000", "320100", D(2020, 1, 1)),
                rule("320000", "320100", D(2020, 1, 1), enabled=False),
            ],
            NJ,
            D(2021, 1, 1),
            False,
        ),
    ],
)
def test_decide(rules, city, day, expected):
    assert decide(rules, "m", city, day).in_force is expected


def test_decision_names_the_deciding_rule():
    r = rule("320000", "320100", D(2021, 6, 1))
    decision = decide([rule(NATIONAL, NATIONAL, D(2022, 6, 30)), r], "m", NJ, D(2023, 1, 1))
    assert decision.rule is r and decision.since == D(2021, 6, 1)


MUTATION = """
mutation($input: RolloutSetInput!) { rolloutSet(input: $input) { measure city enabled errors { code field rule } } }
"""


def test_unknown_measure_is_refused(core_env):
    body = core_env.gql(
        MUTATION,
        {"input": {"measure": "nope", "city": "320100", "enabled": True}},
        as_="province_admin",
    )
    assert body["data"]["rolloutSet"]["errors"][0]["code"] == "UNKNOWN_MEASURE"


def _in_force(env, city, day="2024-09-02"):
    rows = env.data(
        "query($c: String!, $d: Date) { measuresInForce(city: $c, date: $d) { measure { slug } inForce reason } }",
        {"c": city, "d": day},
    )
    return {r["measure"]["slug"]: r for r in rows["measuresInForce"]}["example_measure"]


def test_default_rollout_and_what_applies_here(example_env):
    assert _in_force(example_env, "320100", "2021-06-01")["inForce"] is True
    assert _in_force(example_env, "320100", "2021-05-31")["inForce"] is False
    assert _in_force(example_env, "310100")["inForce"] is False
    body = example_env.gql('{ measuresInForce(city: "999999") { inForce } }')
    assert body["errors"][0]["extensions"]["code"] == "UNKNOWN_CITY"


def test_province_admin_switches_own_city_and_is_audited(example_env):
    env = example_env
    body = env.data(
        MUTATION,
        {
            "input": {
                "measure": "example_measure",
                "city": "320500",
                "enabled": True,
                "validFrom": "2024-09-02",
            }
        },
        as_="province_admin",
    )
    assert body["rolloutSet"] == {
        "measure": "example_measure",
        "city": "320500",
        "enabled": True,
        "errors": [],
    }
    assert _in_force(env, "320500")["inForce"] is True
    # and off again for Nanjing: data stays, the measure stops answering
    env.data(
        MUTATION,
        {"input": {"measure": "example_measure", "city": "320100", "enabled": False}},
        as_="province_admin",
    )
    assert _in_force(env, "320100")["inForce"] is False
    from sqlmodel import select

    from core.audit import AuditEvent

    with env.session() as s:
        actions = [
            e.action
            for e in s.exec(select(AuditEvent).where(AuditEvent.action == "core.rollout_set")).all()
        ]
    assert len(actions) == 2


def test_province_admin_cannot_touch_another_province(example_env):
    body = example_env.gql(
        MUTATION,
        {"input": {"measure": "example_measure", "city": "440300", "enabled": True}},
        as_="province_admin",
    )
    err = body["data"]["rolloutSet"]["errors"][0]
    assert err["code"] == "OUT_OF_JURISDICTION" and err["field"] == "city"
    assert _in_force(example_env, "440300")["inForce"] is False
    body = example_env.gql(
        MUTATION,
        {"input": {"measure": "example_measure", "city": "320500", "enabled": True}},
        as_="clerk",
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_invalid_dates_refused(example_env):
    body = example_env.gql(
        MUTATION,
        {
            "input": {
                "measure": "example_measure",
                "city": "320500",
                "enabled": True,
                "validFrom": "2024-09-03",
                "validUntil": "2024-09-02",
            }
        },
        as_="province_admin",
    )
    assert body["data"]["rolloutSet"]["errors"][0]["code"] == "INVALID_DATE"


def test_rollout_queries_refuse_other_roles(core_env):
    body = core_env.gql('{ rolloutRules(provinceCode: "320000") { id } }', as_="zhang_account")
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = core_env.gql('{ rolloutRules(provinceCode: "440000") { id } }', as_="province_admin")
    assert body["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    body = core_env.gql('{ rolloutRules(provinceCode: "440000") { id } }', as_="national_admin")
    assert body["data"]["rolloutRules"] == []
    # a measure this deployment does not run is refused, as measureSettings refuses it (it
    # answered an empty list, which reads as "no rules for it")
    body = core_env.gql(
        '{ rolloutRules(provinceCode: "320000", measure: "nope") { id } }', as_="national_admin"
    )
    ext = body["errors"][0]["extensions"]
    assert (ext["code"], ext["field"]) == ("UNKNOWN_MEASURE", "measure"), body


SETTING = 'mutation($s: String!, $v: JSON!) { measureSettingSet(measure: "example_measure", scopeCode: $s, key: "remark_max_length", value: $v) { key errors { code field } } }'


def test_measure_settings_resolve_city_then_province_then_nation(example_env):
    env = example_env
    store = env.platform.settings_store
    assert store.get("example_measure", "remark_max_length", "320100") == 100  # the plugin default
    assert (
        env.data(SETTING, {"s": "*", "v": 80}, as_="national_admin")["measureSettingSet"]["errors"]
        == []
    )
    assert store.get("example_measure", "remark_max_length", "320100") == 80
    assert (
        env.data(SETTING, {"s": "320000", "v": 60}, as_="province_admin")["measureSettingSet"][
            "errors"
        ]
        == []
    )
    assert store.get("example_measure", "remark_max_length", "320100") == 60
    assert (
        env.data(SETTING, {"s": "320100", "v": 5}, as_="province_admin")["measureSettingSet"][
            "errors"
        ]
        == []
    )
    assert store.get("example_measure", "remark_max_length", "320100") == 5
    assert store.get("example_measure", "remark_max_length", "320500") == 60  # another Jiangsu city
    assert (
        store.get("example_measure", "remark_max_length", "310100") == 80
    )  # Shanghai: national value
    # and the rule uses it
    out = env.data(
        'mutation($id: ID!) { exampleLicenceRemarkAdd(licenceId: $id, text: "超过五个字的备注") { errors { code field } } }',
        {"id": env.refs["zhang_licence"].id},
        as_="clerk",
    )
    assert out["exampleLicenceRemarkAdd"]["errors"] == [{"code": "TOO_LONG", "field": "text"}]
    refused = env.data(SETTING, {"s": "*", "v": 1}, as_="province_admin")["measureSettingSet"][
        "errors"
    ]
    assert refused == [{"code": "OUT_OF_JURISDICTION", "field": "scopeCode"}]
    refused = env.data(SETTING, {"s": "440300", "v": 1}, as_="province_admin")["measureSettingSet"][
        "errors"
    ]
    assert refused == [{"code": "OUT_OF_JURISDICTION", "field": "scopeCode"}]


def _set(env, **values):
    return env.data(MUTATION, {"input": {"measure": "example_measure", **values}},
                    as_="province_admin")["rolloutSet"]["errors"]  # fmt: skip


def test_no_rollout_rule_for_a_day_already_past_and_earlier_periods_stay(example_env):
    """Review finding: a province admin could switch a measure on or off from a day already past
    (even before its seed), and a new rule deleted the city's earlier one, rewriting what was in
    force on days that reports and decisions already relied on."""
    env = example_env  # the clock: 2024-09-02
    early = _set(env, city="320500", enabled=True, validFrom="2020-01-01")
    assert early == [
        {"code": "INVALID_DATE", "field": "validFrom",
         "rule": "core: no rollout rule for a day already past"}
    ]  # fmt: skip
    assert _set(env, city="320500", enabled=True, validFrom="2024-09-01")[0]["field"] == "validFrom"
    assert _in_force(env, "320500", "2024-09-02")["inForce"] is False  # nothing written
    assert _set(env, city="320500", enabled=True) == []  # from today
    env.clock.set("2025-03-01")
    assert _set(env, city="320500", enabled=False) == []  # switched off later
    assert _in_force(env, "320500", "2024-12-01")["inForce"] is True  # the earlier period stays
    assert _in_force(env, "320500", "2025-03-01")["inForce"] is False
    assert _set(env, city="320500", enabled=True, validFrom="2025-04-01") == []  # a later date
    assert _in_force(env, "320500", "2025-03-15")["inForce"] is False
    assert _in_force(env, "320500", "2025-04-01")["inForce"] is True
    assert _in_force(env, "320500", "2024-12-01")["inForce"] is True
