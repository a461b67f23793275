"""Web sign-in by app QR scan (八-二): create, approve, redeem once, expiry boundaries."""

from __future__ import annotations

import datetime as dt

from core.accounts import UnitRole
from core.clock import CHINA_TZ
from core.testing_answers import top_code
from core.testing_db import row_count
from core.testing_race import race

from ..models import QrLoginChallenge
from .helpers import (
    MY_UNITS,
    PLUGINS,
    QR_APPROVE,
    QR_REDEEM,
    citizen,
    errors,
    member,
    qr_create,
    unit,
)

T0 = dt.datetime(2024, 9, 2, 9, 0, 0, tzinfo=CHINA_TZ)


def test_full_flow_gives_the_approver_a_token_once(make_env):
    env = make_env(PLUGINS, now=T0)
    created = qr_create(env)
    assert created["errors"] == [] and created["qrPayload"].endswith(created["challengeId"])
    assert created["secret"] not in created["qrPayload"]
    approve = env.gql(
        QR_APPROVE, {"id": created["qrPayload"], "unit": env.refs["unit"].id}, as_="li_account"
    )
    assert (
        errors(approve, "unitQrLoginApprove") == []
        and approve["data"]["unitQrLoginApprove"]["approved"]
    )
    redeem = env.gql(QR_REDEEM, {"id": created["challengeId"], "secret": created["secret"]})
    got = redeem["data"]["unitQrLoginRedeem"]
    assert got["errors"] == [] and got["unitId"] == env.refs["unit"].id
    mine = env.data(MY_UNITS, as_=got["token"])["myUnits"]  # the token is li's
    assert [u["role"] for u in mine] == ["USER"]
    again = env.gql(QR_REDEEM, {"id": created["challengeId"], "secret": created["secret"]})
    assert errors(again, "unitQrLoginRedeem")[0]["code"] == "UNIT_QR_ALREADY_USED"


def test_redeem_before_approval_and_with_a_wrong_secret(make_env):
    env = make_env(PLUGINS, now=T0)
    created = qr_create(env)
    early = env.gql(QR_REDEEM, {"id": created["challengeId"], "secret": created["secret"]})
    assert errors(early, "unitQrLoginRedeem")[0]["code"] == "UNIT_QR_NOT_APPROVED"
    env.data(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_="zhang_account"
    )
    wrong = env.gql(QR_REDEEM, {"id": created["challengeId"], "secret": "guess"})
    assert errors(wrong, "unitQrLoginRedeem")[0]["code"] == "UNIT_QR_BAD_SECRET"
    with env.session() as s:
        assert s.get(QrLoginChallenge, created["challengeId"]).redeemed_at is None
    twice = env.gql(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_="li_account"
    )
    assert errors(twice, "unitQrLoginApprove")[0]["code"] == "UNIT_QR_ALREADY_USED"


def test_approve_expiry_boundary(make_env):
    env = make_env(PLUGINS, now=T0)
    first, second = qr_create(env), qr_create(env)
    env.clock.set(T0 + dt.timedelta(seconds=119))
    ok = env.gql(
        QR_APPROVE, {"id": first["challengeId"], "unit": env.refs["unit"].id}, as_="li_account"
    )
    assert errors(ok, "unitQrLoginApprove") == []
    env.clock.set(T0 + dt.timedelta(seconds=120))
    late = env.gql(
        QR_APPROVE, {"id": second["challengeId"], "unit": env.refs["unit"].id}, as_="li_account"
    )
    err = errors(late, "unitQrLoginApprove")[0]
    assert err["code"] == "UNIT_QR_EXPIRED" and err["rule"].startswith("M20 2024-八-二")


def test_redeem_expiry_boundary(make_env):
    env = make_env(PLUGINS, now=T0)
    first, second = qr_create(env), qr_create(env)
    for c in (first, second):
        env.data(
            QR_APPROVE, {"id": c["challengeId"], "unit": env.refs["unit"].id}, as_="li_account"
        )
    env.clock.set(T0 + dt.timedelta(seconds=119))
    ok = env.gql(QR_REDEEM, {"id": first["challengeId"], "secret": first["secret"]})
    assert errors(ok, "unitQrLoginRedeem") == []
    env.clock.set(T0 + dt.timedelta(seconds=120))
    late = env.gql(QR_REDEEM, {"id": second["challengeId"], "secret": second["secret"]})
    assert errors(late, "unitQrLoginRedeem")[0]["code"] == "UNIT_QR_EXPIRED"


def test_only_an_active_member_of_the_unit_may_approve(make_env):
    env = make_env(PLUGINS, now=T0)
    created = qr_create(env)
    outsider = env.gql(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_="elder_account"
    )
    assert errors(outsider, "unitQrLoginApprove")[0]["code"] == "NOT_FOUND"
    other = unit(env, "南京另一家公司")
    boss, boss_account = citizen(env, "别家法人")
    member(env, other, boss, UnitRole.LEGAL_PERSON)
    cross = env.gql(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_=boss_account
    )
    assert errors(cross, "unitQrLoginApprove")[0]["code"] == "NOT_FOUND"
    staff = env.gql(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_="clerk"
    )
    assert top_code(staff) == "FORBIDDEN"
    anon = env.gql(QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id})
    assert top_code(anon) == "UNAUTHENTICATED"
    with env.session() as s:
        assert s.get(QrLoginChallenge, created["challengeId"]).approved_at is None


def test_qr_login_dates_rollout_and_malformed_input(make_env):
    env = make_env(PLUGINS, now="2024-06-30")
    early = qr_create(env)
    assert early["errors"][0]["code"] == "UNIT_ACCOUNTS_NOT_YET_EFFECTIVE"
    env.clock.set("2024-07-01")
    assert qr_create(env)["errors"] == []
    env.set_rollout("unit_accounts", "310100", enabled=False)
    off = qr_create(env, city="310100")
    assert off["errors"][0]["code"] == "FEATURE_NOT_ENABLED"
    assert qr_create(env, city="999999")["errors"][0]["code"] == "UNKNOWN_CITY"
    assert qr_create(env, city="x" * 300)["errors"][0]["code"] == "UNKNOWN_CITY"
    bad = env.gql(QR_REDEEM, {"id": "nope", "secret": "x" * 65})
    assert errors(bad, "unitQrLoginRedeem")[0]["code"] == "TOO_LONG"
    missing = env.gql(QR_REDEEM, {"id": "NOPE", "secret": "abc"})
    assert errors(missing, "unitQrLoginRedeem")[0]["code"] == "NOT_FOUND"
    assert row_count(env, QrLoginChallenge) == 1


def test_concurrent_redeems_give_one_token(make_env):
    """Two web pages racing with the same approved code: exactly one token (conditional UPDATE;
    meaningful on PostgreSQL, serialised on SQLite)."""
    env = make_env(PLUGINS, now=T0)
    created = qr_create(env)
    env.data(
        QR_APPROVE, {"id": created["challengeId"], "unit": env.refs["unit"].id}, as_="li_account"
    )
    redeem = (None, QR_REDEEM, {"id": created["challengeId"], "secret": created["secret"]})
    results = [a["data"]["unitQrLoginRedeem"] for a in race(env, [redeem] * 4)]
    tokens = [r["token"] for r in results if r["token"]]
    assert len(results) == 4 and len(tokens) == 1
    assert {r["errors"][0]["code"] for r in results if not r["token"]} == {"UNIT_QR_ALREADY_USED"}
