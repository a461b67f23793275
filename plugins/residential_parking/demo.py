"""M05's part of the demo data: one Nanjing segment with night, weekend and holiday windows."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.db import stamp
from core.demo import DemoWorld

from .models import ParkingSegment, ParkingSegmentVersion

WINDOWS = [
    {"kind": "NIGHT", "start": 19 * 60, "end": 7 * 60},
    {"kind": "WEEKEND", "start": 0, "end": 24 * 60},
    {"kind": "HOLIDAY", "start": 0, "end": 24 * 60},
]


def load(session: Session, demo: DemoWorld) -> None:
    now = stamp(demo.factory.now)
    segment = ParkingSegment(
        city_code="320100",
        county="秦淮区",
        road="长白街",
        section="白下路至建康路（苜蓿园小区东侧）",
        windows=WINDOWS,
        marking="BAYS",
        bay_count=24,
        bay_time_marked=True,
        signs_installed_on=dt.date(2021, 5, 28),
        created_at=now,
        updated_at=now,
    )
    session.add(segment)
    session.flush()
    session.add(
        ParkingSegmentVersion(
            segment_id=segment.id,
            version=1,
            action="DESIGNATE",
            status="ACTIVE",
            **segment.layout(),
            effective_at=now,
        )
    )
    demo.refs["residential_parking_segment"] = segment
