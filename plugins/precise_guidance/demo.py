"""M19's part of the demo data: outlets in Nanjing and Shanghai, a local guide, a violation."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.clock import CHINA_TZ
from core.db import stamp
from core.demo import DemoWorld
from core.registries.vehicles import Violation

from .models import BusinessGuide, GuidanceOutlet
from .rules import Business

ALL = [b.value for b in Business]
OUTLETS = [
    ("320100", "南京市车辆管理所", "南京市玄武区红山路10号", 32.0970, 118.8110, ALL),
    ("320100", "南京江宁登记服务站", "南京市江宁区天元中路100号", 31.9530, 118.8400,
     ["INSPECTION", "EXEMPT_MARK", "SCRAP", "VIOLATION", "PAYMENT"]),
    ("320100", "南京驾驶人考试中心", "南京市栖霞区仙林大道1号", 32.1100, 118.9300,
     ["EXAM", "RENEWAL", "REVIEW", "HEALTH_CHECK"]),
    ("310100", "上海市公安局交警总队车辆管理所", "上海市闵行区华翔路1号", 31.1800, 121.3500, ALL),
]  # fmt: skip


def load(session: Session, demo: DemoWorld) -> None:
    now = stamp(demo.factory.now)
    for city, name, address, lat, lon, businesses in OUTLETS:
        session.add(
            GuidanceOutlet(
                city_code=city,
                name=name,
                address=address,
                latitude=lat,
                longitude=lon,
                hours="周一至周五 9:00-17:00；周六 9:00-12:00",
                phone="12123",
                window_guide="一楼大厅取号，按叫号到对应窗口办理",
                businesses=businesses,
                updated_at=now,
            )
        )
    session.add(
        BusinessGuide(
            city_code="320100",
            business=Business.RENEWAL.value,
            process="南京：通过“交管12123”APP上传体检信息，选择邮寄或网点领取新证。",
            materials=["身份证明", "身体条件证明（可由医院联网上传）"],
            updated_at=now,
        )
    )
    session.add(
        Violation(
            vehicle_id=demo["zhang_car"].id,
            occurred_at=dt.datetime(2024, 8, 10, 8, 30, tzinfo=CHINA_TZ),
            city_code="320100",
            description="机动车违反禁止标线指示",
            points=3,
            fine_yuan=200,
        )
    )
    session.flush()
