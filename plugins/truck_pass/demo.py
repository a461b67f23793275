"""M04's part of the demo data: a Nanjing restriction, published conditions, one pass code."""

from __future__ import annotations

from core.db import stamp
from core.demo import DemoWorld

from .models import TruckPassConditions, TruckPassPolicy
from .rules import LIMITS_EFFECTIVE, parse_window, restricted_minutes

WINDOWS = ["07:00-09:30", "10:00-16:00", "16:30-19:30"]


def load(session, demo: DemoWorld) -> None:  # noqa: ANN001
    now = demo.factory.now
    policy = TruckPassPolicy(
        city_code="320100",
        name="中山路（鼓楼—新街口）",
        scope="ROAD",
        core_area=False,
        vehicle_categories=["HEAVY_TRUCK", "MEDIUM_TRUCK", "LIGHT_TRUCK"],
        vehicle_uses=[],
        windows=WINDOWS,
        restricted_minutes=restricted_minutes(parse_window(w) for w in WINDOWS),
        valid_from=LIMITS_EFFECTIVE,
        created_at=stamp(now),
    )
    session.add(policy)
    session.add(
        TruckPassConditions(
            city_code="320100",
            conditions="城市配送货车，车辆状态正常，所有人或备案驾驶人在线申领。",
            method="交管12123 APP 在线申领",
            time_limit_workdays=3,
            usage_rules="限在核定路段、有效期内通行，随车出示电子通行码。",
            max_codes_per_owner=5,
            validity_days=90,
            blacklist_max_codes=1,
            blacklist_validity_days=30,
            published_at=stamp(now),
        )
    )
    session.flush()
    demo.refs["truck_pass_policy"] = policy
