"""M18's part of the demo data: two Nanjing intersections, one a key intersection with a shift
and enforcement records."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import EnforcementRecord, Intersection, StaffingShift
from .rules import Design, LeftTurn, Separation, check_design


def _row(name: str, d: Design, now: dt.datetime) -> Intersection:
    findings = check_design(d, 1.5, 1.5)
    assert findings.valid, findings.violations
    raw = {k: (v.value if hasattr(v, "value") else v) for k, v in dataclasses.asdict(d).items()}
    return Intersection(city_code="320100", name=name, design=raw, left_turn=d.left_turn.value,
                        advice=findings.advice, created_at=now, updated_at=now)  # fmt: skip


def load(session: Session, demo: DemoWorld) -> None:
    now = stamp(demo.factory.now)
    today = demo.factory.now.date()
    one = _row("中山路—汉中路口", Design(True, 60, 30, Separation.PHYSICAL, False, LeftTurn.ONE_STAGE,
               left_turn_signal=True, guide_lines=True, dedicated_left_lane=True,
               left_lane_width_m=2.0), now)  # fmt: skip
    two = _row("新街口路口", Design(True, 90, 50, Separation.PHYSICAL, True, LeftTurn.TWO_STAGE,
               non_motor_signal=True, guide_lines=True, second_stage_area_m2=45,
               peak_left_turn_bikes=25, no_entry_zone=True, two_stage_sign=True,
               guide_lanes_in_waiting_area=True), now)  # fmt: skip
    two.key_reasons = ["DISORDER", "HIGH_FLOW"]
    two.key_since = today - dt.timedelta(days=7)
    session.add(one)
    session.add(two)
    session.flush()
    session.add(StaffingShift(intersection_id=two.id, city_code="320100", day=today, police=2,
                              auxiliaries=4, volunteers=6, recorded_at=now))  # fmt: skip
    session.add(EnforcementRecord(intersection_id=two.id, city_code="320100", day=today,
                                  kind="RED_LIGHT", action="ON_SITE_CORRECTION", count=12,
                                  recorded_at=now))  # fmt: skip
    demo.refs["key_intersection"] = two
