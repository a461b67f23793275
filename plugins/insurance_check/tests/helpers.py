"""Shared GraphQL documents and builders of the M11 tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.db import stamp

from ..models import InsuranceCheckPolicyRow, InsuranceCheckRow
from ..rules import MEASURE

PLUGINS = [MEASURE]
RUN = (
    "mutation($i: InsuranceCheckRunInput!) { insuranceCheckRun(input: $i) { "
    "errors { code field rule measure city } check { id outcome paperRequired insurerName "
    "policyNumber validUntil city rule } } }"
)
HISTORY = (
    "query($v: ID!) { insuranceChecks(vehicleId: $v, first: 10) { totalCount nodes { outcome } } }"
)
REPORT = (
    'query($c: String!, $s: Date!, $e: Date!) { report(name: "insurance_check.weekly_failures", '
    "city: $c, start: $s, end: $e) { columns rows { label values } notes } }"
)
INSURER = "平安财产保险南京分公司"


def policy(env, vin, start, until, number="PDAA0001", insurer=INSURER) -> None:
    with env.session() as s:
        s.add(
            InsuranceCheckPolicyRow(
                vin=vin,
                policy_number=number,
                insurer_name=insurer,
                valid_from=dt.date.fromisoformat(start),
                valid_until=dt.date.fromisoformat(until),
                updated_at=stamp(env.clock.now()),
            )
        )
        s.commit()


def run(env, vin, business="INSPECTION_MARK", as_="clerk", **extra) -> dict:
    body = env.gql(RUN, {"i": {"vin": vin, "business": business, **extra}}, as_=as_)
    data = body.get("data") or {}
    if data.get("insuranceCheckRun") is not None:
        return data["insuranceCheckRun"]
    return {"errors": [{"code": body["errors"][0]["extensions"]["code"]}]}


def checks(env) -> list[InsuranceCheckRow]:
    with env.session() as s:
        return list(s.exec(select(InsuranceCheckRow)).all())
