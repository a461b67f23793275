"""Measure settings are typed (issue 12, item 6): each declares its type, unit and bounds;
`measureSettingSet` refuses anything else with INVALID_INPUT and stores nothing; a stored value that
breaks its declaration is ignored when read; `measureSettings` shows declarations and values."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from sqlmodel import select

from core.clock import CHINA_TZ, to_china
from core.plugin_api import SettingScope, SettingSpec, SettingType
from core.plugin_host import PluginError
from core.rollout import MeasureSetting
from core.settings_store import SettingValueError, check_value
from plugins.unit_accounts.tests.helpers import QR_CREATE
from tests.test_plugin_host import _build, _module

T0 = dt.datetime(2024, 9, 2, 9, 0, 0, tzinfo=CHINA_TZ)
SET = """mutation($m: String!, $s: String!, $k: String!, $v: JSON!) {
  measureSettingSet(measure: $m, scopeCode: $s, key: $k, value: $v) { key errors { code field message rule } } }"""
LIST = """query($m: String!, $s: String!) { measureSettings(measure: $m, scopeCode: $s) {
  key description type unit bounds minimum maximum choices maxLength maxItems nullable scope default value source } }"""


def _set(env, value, scope="320100", key="qr_login_seconds", as_="province_admin"):
    v = {"m": "unit_accounts", "s": scope, "k": key, "v": value}
    return env.data(SET, v, as_=as_)["measureSettingSet"]


def _rows(env):
    with env.session() as s:
        return s.exec(select(MeasureSetting)).all()


def _lifetime(env, city="320100"):
    """Seconds between now and the expiry of a new web sign-in code of `city` (via the API)."""
    body = env.gql(QR_CREATE, {"city": city})
    assert not body.get("errors"), body
    created = body["data"]["unitQrLoginCreate"]
    assert created["errors"] == [], created
    expires = to_china(dt.datetime.fromisoformat(created["expiresAt"]))
    return int((expires - env.clock.now()).total_seconds())


def test_the_issue_example_is_refused_and_sign_in_codes_still_work(make_env):
    env = make_env(["unit_accounts"], now=T0)
    for bad in ("abc", 10**15, -5, 0, 29, 601, 120.0, 120.5, True, "120", [120], {"s": 120}):
        out = _set(env, bad)
        assert out["errors"][0]["code"] == "INVALID_INPUT", bad
        assert out["errors"][0]["field"] == "value" and out["key"] is None
        assert "seconds, 30 to 600" in out["errors"][0]["message"]
    assert _rows(env) == []  # nothing stored
    assert _lifetime(env) == 120  # the default: codes still work in Nanjing
    assert _set(env, 300)["errors"] == []
    assert _lifetime(env) == 300


def test_a_province_value_is_honoured_in_its_cities_and_a_city_value_wins(make_env):
    env = make_env(["unit_accounts"], now=T0)
    assert _set(env, 90, scope="320000")["errors"] == []
    assert _lifetime(env, "320100") == 90 and _lifetime(env, "320500") == 90
    assert _set(env, 60, scope="320500")["errors"] == []
    assert _lifetime(env, "320500") == 60 and _lifetime(env, "320100") == 90
    assert _set(env, 45, scope="*", as_="national_admin")["errors"] == []
    assert _lifetime(env, "310100") == 45 and _lifetime(env, "320100") == 90


def test_a_stored_value_outside_the_declaration_is_ignored_and_logged(make_env, caplog):
    env = make_env(["unit_accounts"], now=T0)
    assert _set(env, 90, scope="320000")["errors"] == []
    with env.session() as s:  # rows written around the API (an old version, a manual fix)
        for scope, value in (("320100", 10**15), ("320500", "abc"), ("*", -5)):
            s.add(
                MeasureSetting(
                    measure="unit_accounts",
                    scope_code=scope,
                    key="qr_login_seconds",
                    value={"value": value},
                    updated_at=env.clock.now(),
                )
            )
        s.commit()
    with caplog.at_level(logging.WARNING, logger="core.settings_store"):
        env.platform.settings_store.reload()
    assert sum("unit_accounts.qr_login_seconds" in r.getMessage() for r in caplog.records) == 3
    assert _lifetime(env, "320100") == 90  # the city row is ignored: the province value
    assert _lifetime(env, "320500") == 90
    assert _lifetime(env, "310100") == 120  # the nationwide row is ignored: the default


def test_measure_settings_shows_declarations_and_values(make_env):
    env = make_env(["unit_accounts", "e_driving_licence"], now=T0)
    (row,) = env.data(LIST, {"m": "unit_accounts", "s": "320100"}, as_="province_admin")[
        "measureSettings"
    ]
    assert row == {
        "key": "qr_login_seconds",
        "description": "Lifetime of a web QR sign-in code.",
        "type": "INT",
        "unit": "seconds",
        "bounds": "integer, seconds, 30 to 600",
        "minimum": 30,
        "maximum": 600,
        "choices": [],
        "maxLength": None,
        "maxItems": None,
        "nullable": False,
        "scope": "CITY",
        "default": 120,
        "value": 120,
        "source": "DEFAULT",
    }
    _set(env, 90, scope="320000")
    (row,) = env.data(LIST, {"m": "unit_accounts", "s": "320100"}, as_="province_admin")[
        "measureSettings"
    ]
    assert (row["value"], row["source"]) == (90, "320000")
    (row,) = env.data(LIST, {"m": "e_driving_licence", "s": "*"}, as_="province_admin")[
        "measureSettings"
    ]
    assert row["scope"] == "PROVINCE" and row["unit"] == "per minute"
    refused = env.gql(LIST, {"m": "unit_accounts", "s": "440300"}, as_="province_admin")
    assert refused["errors"][0]["extensions"]["code"] == "OUT_OF_JURISDICTION"
    refused = env.gql(LIST, {"m": "nope", "s": "320100"}, as_="national_admin")
    assert refused["errors"][0]["extensions"]["code"] == "UNKNOWN_MEASURE"
    refused = env.gql(LIST, {"m": "unit_accounts", "s": "320100"}, as_="clerk")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_a_setting_set_per_province_refuses_a_city_value(make_env):
    env = make_env(["e_driving_licence"], now=T0)
    v = {"m": "e_driving_licence", "s": "320100", "k": "partner_verifications_per_minute", "v": 5}
    out = env.data(SET, v, as_="province_admin")["measureSettingSet"]
    assert [(e["code"], e["field"]) for e in out["errors"]] == [("INVALID_INPUT", "scopeCode")]
    assert _rows(env) == []


# --- the check of one value (every JSON type; NaN cannot come through GraphQL) --------------------
INT = SettingSpec("n", 5, "", type=SettingType.INT, unit="count", minimum=1, maximum=9)
FLOAT = SettingSpec("x", 1.5, "", type=SettingType.FLOAT, unit="m", minimum=0.5, maximum=5)
DATE = SettingSpec(
    "d", "2020-01-20", "", type=SettingType.DATE, minimum=dt.date(2020, 1, 1),
    maximum=dt.date(2020, 12, 31),
)  # fmt: skip
ENUM = SettingSpec("e", "A", "", type=SettingType.ENUM, choices=("A", "B"))
LIST_ = SettingSpec("l", [], "", type=SettingType.STR_LIST, max_items=2, max_length=3)
TEXT = SettingSpec("t", "x", "", type=SettingType.STR, max_length=8)
OBJ = SettingSpec(
    "o", None, "", type=SettingType.OBJECT, nullable=True,
    fields=(SettingSpec("on", False, "", type=SettingType.BOOL), INT, TEXT),
)  # fmt: skip
# free-text rules (core/validation.py require_text): no direction-changing, invisible or control
# character, no surrounding blanks, NFC only ("e" + combining acute is not the stored "é")
UNCLEAN = ["a\u202eb", "a\u200bb", "a\u00adb", " ab", "ab\u3000", "e\u0301", "\ufeffab"]


@pytest.mark.parametrize(
    ("spec", "good", "bad"),
    [
        (INT, [1, 9, 5], [0, 10, True, 5.0, "5", None, float("nan")]),
        (FLOAT, [0.5, 5, 2.25], [0.4, 5.1, float("nan"), float("inf"), True, "1.5", None]),
        (DATE, ["2020-01-01", "2020-12-31"], ["2019-12-31", "2020-02-30", "20200120", "2020-1-2",
                                              "2020-W03-1", 20200120, None]),
        (ENUM, ["A", "B"], ["a", "C", "", None, 1]),
        (LIST_, [[], ["abc", "x"]], [["abcd"], ["a", "b", "c"], [""], ["a\n"], "ab", [1], None,
                                     *([u] for u in UNCLEAN)]),
        (TEXT, ["x", "通行证 A", "\u00e9"], ["", "123456789", None, 1, *UNCLEAN]),
        (OBJ, [None, {}, {"on": True}, {"on": False, "n": 3, "t": "ok"}],
         [{"on": 1}, {"n": 0}, {"other": 1}, [], "x", *({"t": u} for u in UNCLEAN)]),
    ],
)  # fmt: skip
def test_check_value(spec, good, bad):
    for value in good:
        assert check_value(spec, value) == value
    for value in bad:
        with pytest.raises(SettingValueError):
            check_value(spec, value)


@pytest.mark.parametrize(
    "spec",
    [
        SettingSpec("k", 5, "", type=SettingType.INT, unit="count"),  # no bounds
        SettingSpec("k", 5, "", type=SettingType.INT, minimum=1, maximum=9),  # no unit
        SettingSpec("k", 50, "", type=SettingType.INT, unit="count", minimum=1, maximum=9),
        SettingSpec("k", "x", "", type=SettingType.STR),  # no max_length
        SettingSpec("k", "A", "", type=SettingType.ENUM),  # no choices
        SettingSpec("k", None, "", type=SettingType.OBJECT),  # no fields, null not allowed
    ],
)
def test_the_platform_refuses_a_setting_declared_without_its_bounds(pool, spec):
    plugin = _module("loose_settings", register_settings=lambda: [spec])
    with pytest.raises(PluginError, match="loose_settings.*'k'"):
        _build(pool, plugin)


def test_scopes_of_a_national_setting():
    from core.settings_store import allowed_at

    spec = SettingSpec("k", 1, "", type=SettingType.INT, unit="count", minimum=1, maximum=9,
                       scope=SettingScope.NATIONAL)  # fmt: skip
    assert allowed_at(spec, "*") and not allowed_at(spec, "320000")
    assert not allowed_at(spec, "320100") and not allowed_at(spec, "999999")
