"""The demo data set: several provinces and cities, citizens, units, staff of every role,
partners, licences and vehicles. Deterministic, loaded once into an empty database.

Every demo account's password is `demo-pass-1`; every partner secret is `partner-secret-1`.
`python -m core.cli token LOGIN` prints a development token for any of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from core.accounts import Account, PartnerKind, Role, UnitRole
from core.clock import CHINA_TZ
from core.db import stamp
from core.factory import Factory
from core.identity import DocumentType
from core.monitoring.models import MonitoringRegistration
from core.plugin_host import collect
from core.registries.licences import LicenceStatus
from core.registries.vehicles import VehicleCategory, VehicleUse

DEMO_NOW = dt.datetime(2024, 9, 2, 9, 0, tzinfo=CHINA_TZ)
DEMO_CITIES = ["320100", "320500", "310100", "110100", "440300", "510100", "370100", "130600"]


@dataclass
class DemoWorld:
    """The core part of the demo data, with named references plugins build on."""

    factory: Factory
    refs: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.refs[key]


def build_core_demo(session: Session, now: dt.datetime = DEMO_NOW) -> DemoWorld:
    f = Factory(session, now)
    w = DemoWorld(f)
    r = w.refs
    for code in DEMO_CITIES:
        r[f"office:{code}"] = f.office(code)
    # staff: every role, in Nanjing (Jiangsu) unless stated
    nj = r["office:320100"]
    r["clerk"] = f.staff("clerk.nj", [Role.CLERK], "320100", office=nj, name="王窗口")
    r["supervisor"] = f.staff("head.nj", [Role.SUPERVISOR], "320100", office=nj, name="李科长")
    r["road_officer"] = f.staff("officer.nj", [Role.ROAD_OFFICER], "320100", name="赵警官")
    r["accident_officer"] = f.staff("accident.nj", [Role.ACCIDENT_OFFICER], "320100", name="钱警官")
    r["accident_head"] = f.staff(
        "accident-head.nj", [Role.ACCIDENT_UNIT_HEAD], "320100", name="孙大队长"
    )
    r["inspector"] = f.staff("inspector.nj", [Role.INSPECTOR], "320100", office=nj, name="周查验")
    r["province_admin"] = f.staff(
        "admin.js", [Role.PROVINCE_ADMIN], None, province="320000", name="江苏总队"
    )
    r["national_admin"] = f.staff("admin.national", [Role.NATIONAL_ADMIN], None, name="部局管理员")
    r["clerk_sh"] = f.staff(
        "clerk.sh", [Role.CLERK], "310100", office=r["office:310100"], name="上海窗口"
    )
    r["clerk_bj"] = f.staff(
        "clerk.bj", [Role.CLERK], "110100", office=r["office:110100"], name="北京窗口"
    )
    r["province_admin_gd"] = f.staff(
        "admin.gd", [Role.PROVINCE_ADMIN], None, province="440000", name="广东总队"
    )
    # citizens
    r["zhang"], r["zhang_account"] = f.citizen(
        "张伟", birth=dt.date(1985, 6, 15), city="320100", phone="13900000001"
    )
    r["li"], r["li_account"] = f.citizen(
        "李娜", birth=dt.date(1990, 2, 28), city="310100", phone="13900000002"
    )
    r["elder"], r["elder_account"] = f.citizen(
        "王秀英", birth=dt.date(1955, 3, 8), city="320100", phone="13900000003"
    )
    r["chen"], r["chen_account"] = f.citizen(
        "陈静", birth=dt.date(1998, 11, 1), city="110100", phone="13900000004"
    )
    r["hk"], r["hk_account"] = f.citizen(
        "黄家明",
        birth=dt.date(1988, 7, 7),
        city="440300",
        id_type=DocumentType.HMT_RESIDENCE_PERMIT,
        phone="13900000005",
    )
    # licences
    r["zhang_licence"] = f.licence(
        r["zhang"], "C1", dt.date(2008, 7, 1), "320100", valid_from=dt.date(2020, 7, 1), office=nj
    )
    r["li_licence"] = f.licence(
        r["li"], "C2", dt.date(2015, 3, 10), "310100", valid_from=dt.date(2021, 3, 10)
    )
    r["elder_licence"] = f.licence(
        r["elder"], "C1", dt.date(1995, 4, 2), "320100", valid_from=dt.date(2019, 4, 2)
    )
    r["chen_licence"] = f.licence(
        r["chen"],
        "C1",
        dt.date(2019, 9, 1),
        "110100",
        status=LicenceStatus.SEIZED,
        points=12,
        valid_years=6,
    )
    # vehicles
    r["zhang_car"] = f.vehicle(r["zhang"], city="320100", registered=dt.date(2019, 5, 1))
    r["li_car"] = f.vehicle(r["li"], city="310100", category=VehicleCategory.MINI_PASSENGER)
    r["elder_car"] = f.vehicle(r["elder"], city="320100", registered=dt.date(2012, 1, 5))
    r["zhang_moto"] = f.vehicle(r["zhang"], city="320100", category=VehicleCategory.MOTORCYCLE_2W)
    # a unit with members
    r["unit"] = f.unit("南京畅行汽车租赁有限公司", "320100")
    r["unit_legal"] = f.unit_member(r["unit"], r["zhang"], UnitRole.LEGAL_PERSON)
    r["unit_user"] = f.unit_member(r["unit"], r["li"], UnitRole.USER)
    r["unit_truck"] = f.vehicle(
        unit=r["unit"],
        city="320100",
        category=VehicleCategory.LIGHT_TRUCK,
        use=VehicleUse.OPERATING,
    )
    r["unit_car"] = f.vehicle(unit=r["unit"], city="320100", use=VehicleUse.RENTAL)
    # partners
    r["insurer"] = f.partner(
        "平安财产保险南京分公司",
        PartnerKind.INSURER,
        ["licence:verify", "vehicle_licence:verify"],
        ["status", "classes", "valid_until", "points_below_12"],
        client_id="insurer-demo",
    )
    r["rental"] = f.partner(
        "一嗨租车",
        PartnerKind.RENTAL,
        ["licence:verify"],
        ["status", "classes", "first_issue_date", "holds_class"],
        client_id="rental-demo",
    )
    r["employer"] = f.partner(
        "顺丰速运",
        PartnerKind.EMPLOYER,
        ["licence:verify"],
        ["status", "holds_class"],
        client_id="employer-demo",
    )
    r["bank"] = f.partner(
        "中国工商银行江苏分行",
        PartnerKind.BANK,
        ["mortgage:file", "vehicle_licence:verify"],
        client_id="bank-demo",
    )
    r["auto_finance"] = f.partner(
        "上汽通用汽车金融",
        PartnerKind.AUTO_FINANCE,
        ["mortgage:file"],
        client_id="autofinance-demo",
    )
    r["finance_company"] = f.partner(
        "一汽财务有限公司", PartnerKind.FINANCE_COMPANY, ["mortgage:file"], client_id="finance-demo"
    )
    r["courier"] = f.partner(
        "中国邮政速递物流",
        PartnerKind.COURIER,
        ["courier:service"],
        client_id="courier-demo",
        province="320000",
    )
    r["commerce"] = f.partner(
        "南京市商务局", PartnerKind.COMMERCE, ["deregistration:verify"], client_id="commerce-demo"
    )
    r["scrapping"] = f.partner(
        "南京报废汽车回收公司", PartnerKind.SCRAPPING, ["scrap:report"], client_id="scrap-demo"
    )
    r["data_source"] = f.partner(
        "全国数据交换平台", PartnerKind.DATA_SOURCE, ["data:feed"], client_id="data-demo"
    )
    # the insurer may be granted licence monitoring for up to a year (docs/partners.md section 8)
    f.session.add(
        MonitoringRegistration(
            partner_org_id=r["insurer"][0].id, max_days=365, updated_at=stamp(f.now)
        )
    )
    return w


def add_bulk_licences(engine: Any, count: int, progress: Any = None, batch: int = 20_000) -> int:
    """Add `count` synthetic citizens with one C1 licence each (ids P…/L…), for load and
    benchmark data sets. Bulk inserts in batches; `progress(done, total)` after each batch.
    Idempotent: rows that exist are kept, so a second call with a larger count tops up."""
    from sqlalchemy import func, insert, select

    from core.accounts import Person
    from core.identity import make_id_number
    from core.registries.licences import DrivingLicence

    persons, licences = Person.__table__, DrivingLicence.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        have = conn.execute(
            select(func.count()).select_from(licences).where(licences.c.id.like("L%"))
        ).scalar_one()
    now = stamp(dt.datetime.now(CHINA_TZ))
    born = dt.date(1980, 1, 1)
    for start in range(have, count, batch):
        end = min(count, start + batch)
        with engine.begin() as conn:
            conn.execute(
                insert(persons),
                [
                    {
                        "id": f"P{i:015d}",
                        "id_type": "MAINLAND_ID",
                        "id_number": make_id_number(
                            "110101", born + dt.timedelta(days=i // 1000), i % 1000
                        ),
                        "name": f"测试{i}",
                        "birth_date": born + dt.timedelta(days=i // 1000),
                        "phone": None,
                        "domicile_city": "320100",
                        "real_name_verified": True,
                        "real_person_verified_at": now,
                        "created_at": now,
                    }
                    for i in range(start, end)
                ],
            )
            conn.execute(
                insert(licences),
                [
                    {
                        "id": f"L{i:015d}",
                        "person_id": f"P{i:015d}",
                        "file_number": f"F{i:015d}",
                        "classes": "C1",
                        "first_issue_date": dt.date(2010, 1, 1),
                        "valid_from": dt.date(2020, 1, 1),
                        "valid_until": dt.date(2030, 1, 1),
                        "status": "NORMAL",
                        "status_changed_at": None,
                        "points": i % 12,
                        "issuing_city": "320100",
                        "issuing_office_id": None,
                        "remarks": [],
                        "updated_at": now,
                    }
                    for i in range(start, end)
                ],
            )
        if progress:
            progress(end, count)
    return max(0, count - have)


def load_demo_if_empty(platform: Any) -> bool:
    """Load the demo data set (core, then every plugin's part) unless accounts already exist."""
    with Session(platform.engine) as session:
        if session.exec(select(Account).limit(1)).first() is not None:
            return False
        world = build_core_demo(session)
        for _plugin, _ in collect(platform.pm, "load_demo_data", session=session, demo=world):
            pass
        session.commit()
    return True
