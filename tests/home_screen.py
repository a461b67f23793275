"""The citizen app's home screen: its query document and a world to run it on.

Shared by tests/test_home_query.py (statement counts and answers) and bench/bench_home.py (the
`home_query` benchmark), so both measure the same document on the same kind of data.

The world: Nanjing outlets (one handles every business, one vehicles and fines only, one drivers
only), a Nanjing-specific inspection guide, and citizens with an issued e-licence whose licence is
due for renewal, `n` vehicles each due for inspection (older cars: 机动车年检; cars under ten
years: 申领免检标志; every third one registered in Suzhou) and an unpaid fine on their first car.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.accounts import Account, Office, Person
from core.clock import CHINA_TZ
from core.db import stamp
from core.documents import credentials as cred
from core.factory import Factory
from core.registries.licences import DrivingLicence
from core.registries.vehicles import Vehicle, VehicleCategory, Violation
from plugins.precise_guidance.models import BusinessGuide, GuidanceOutlet

PLUGINS = ["e_driving_licence", "precise_guidance"]

# Everything a home screen shows: who you are, your licences and vehicles, your e-licence with a
# QR to show, and your to-dos with how to do them and where.
HOME_QUERY = """
query Home($lat: Float, $lon: Float) {
  me {
    kind roles accountId province city
    person { id name idType birthDate idNumber }
  }
  myDrivingLicences {
    id fileNumber classes firstIssueDate validFrom validUntil status statusLabel points
    issuingCity remarks
  }
  myVehicles {
    id vin plate vehicleType category use registrationCity status mortgaged
    inspectionValidUntil scrapDeadline archiveMarks
  }
  myEDrivingLicence {
    issuedAt liveStatus statusReasons issuingOffice paperLicenceStillIssued
    licence { id fileNumber classes validUntil status statusLabel points }
  }
  eDrivingLicenceShow(count: 2) { qrVersion payloads { text notBefore expiresAt length } }
  preciseGuidanceTodos(latitude: $lat, longitude: $lon) {
    business label due overdue subject subjectRef reason
    guide { business label city process materials local }
    outlet {
      distanceKm
      outlet {
        id city name address latitude longitude hours phone windowGuide businesses version
        updatedAt
      }
    }
  }
}"""

# near 南京江宁登记服务站
LOCATION = {"lat": 31.95, "lon": 118.84}

ALL = [
    "INSPECTION", "EXEMPT_MARK", "SCRAP", "EXAM", "RENEWAL", "REVIEW", "HEALTH_CHECK",
    "VIOLATION", "PAYMENT",
]  # fmt: skip
OUTLETS = [
    ("320100", "南京市车辆管理所", "南京市玄武区红山路10号", 32.0970, 118.8110, ALL),
    ("320100", "南京江宁登记服务站", "南京市江宁区天元中路100号", 31.9530, 118.8400,
     ["INSPECTION", "SCRAP", "VIOLATION", "PAYMENT"]),
    ("320100", "南京驾驶人考试中心", "南京市栖霞区仙林大道1号", 32.1100, 118.9300,
     ["EXAM", "RENEWAL", "REVIEW", "HEALTH_CHECK"]),
]  # fmt: skip
NANJING_INSPECTION = "南京：预约后到任一检测站检验，检验合格后电子标志自动发放。"


def add_outlets(session: Session, now: dt.datetime) -> None:
    """The Nanjing outlets and the Nanjing inspection guide (once per database)."""
    for city, name, address, lat, lon, businesses in OUTLETS:
        session.add(
            GuidanceOutlet(
                city_code=city, name=name, address=address, latitude=lat, longitude=lon,
                hours="周一至周五 9:00-17:00", phone="12123", window_guide="一楼大厅取号",
                businesses=businesses, updated_at=stamp(now),
            )
        )  # fmt: skip
    session.add(
        BusinessGuide(
            city_code="320100",
            business="INSPECTION",
            process=NANJING_INSPECTION,
            materials=["机动车行驶证", "交强险保单"],
            updated_at=stamp(now),
        )
    )
    session.flush()


def add_citizen(
    factory: Factory,
    name: str,
    vehicles: int,
    office: Office | None = None,
    birth: dt.date = dt.date(1980, 5, 4),
) -> tuple[Person, Account, DrivingLicence]:
    """A Nanjing citizen with an issued e-licence (licence due for renewal in 60 days),
    `vehicles` vehicles due for inspection and an unpaid fine on the first one. (Generated ID
    numbers repeat after 1,000 citizens of one birth date: vary `birth` for more.)"""
    today = factory.now.date()
    person, account = factory.citizen(name, birth=birth, city="320100")
    licence = factory.licence(
        person,
        "C1",
        dt.date(2004, 10, 31),
        "320100",
        valid_from=today + dt.timedelta(days=60) - dt.timedelta(days=3652),
        office=office,
    )
    licence.valid_until = today + dt.timedelta(days=60)
    factory.session.add(licence)
    cred.issue(factory.session, factory.now, "DL", licence.id, person.id)
    cars = add_vehicles(factory, person, vehicles)
    if cars:
        factory.session.add(
            Violation(
                vehicle_id=cars[0].id,
                occurred_at=dt.datetime(2024, 8, 1, 8, tzinfo=CHINA_TZ),
                city_code="320100",
                description="违反禁止标线指示",
                fine_yuan=200,
                status="HANDLED",
            )
        )
    factory.session.flush()
    return person, account, licence


def add_vehicles(factory: Factory, person: Person, count: int, start: int = 0) -> list[Vehicle]:
    """`count` vehicles of `person`, the i-th due for inspection in 10 + i days."""
    today = factory.now.date()
    out = []
    for i in range(start, start + count):
        vehicle = factory.vehicle(
            person,
            category=VehicleCategory.SMALL_PASSENGER,
            city="320500" if i % 3 == 2 else "320100",
            registered=dt.date(2010, 3, 1) if i % 2 == 0 else dt.date(2019, 3, 1),
        )
        vehicle.inspection_valid_until = today + dt.timedelta(days=10 + i)
        factory.session.add(vehicle)
        out.append(vehicle)
    factory.session.flush()
    return out
