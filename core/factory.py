"""Builders for the core records, shared by the demo data set and the tests.

Everything is deterministic given the same sequence of calls: identity numbers, VINs, plates and
credit codes derive from counters, not randomness.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from core.accounts import (
    Account,
    Office,
    PartnerClient,
    PartnerKind,
    PartnerOrg,
    Person,
    Role,
    Unit,
    UnitMember,
    UnitRole,
    hash_secret,
)
from core.dates import add_years
from core.db import stamp
from core.divisions import CITIES
from core.identifiers import PROVINCE_PLATE
from core.identity import DocumentType, make_credit_code, make_id_number
from core.registries.licences import DrivingLicence, LicenceStatus
from core.registries.vehicles import Vehicle, VehicleCategory, VehicleStatus, VehicleUse

# district codes that exist in every era (used for generated ID numbers)
REGION_OF_CITY = {
    "110100": "110101", "120100": "120101", "310100": "310101", "500100": "500103",
}  # fmt: skip

_TYPE_OF = {
    VehicleCategory.SMALL_PASSENGER: "K33",
    VehicleCategory.MINI_PASSENGER: "K43",
    VehicleCategory.MEDIUM_PASSENGER: "K23",
    VehicleCategory.LARGE_PASSENGER: "K13",
    VehicleCategory.HEAVY_TRUCK: "H11",
    VehicleCategory.MEDIUM_TRUCK: "H21",
    VehicleCategory.LIGHT_TRUCK: "H31",
    VehicleCategory.MINI_TRUCK: "H41",
    VehicleCategory.LOW_SPEED_TRUCK: "H51",
    VehicleCategory.TRICYCLE: "N11",
    VehicleCategory.MOTORCYCLE_2W: "M21",
    VehicleCategory.MOTORCYCLE_3W: "M11",
    VehicleCategory.MOTORCYCLE_LIGHT: "M31",
    VehicleCategory.E_BIKE: "E01",
    VehicleCategory.TRAILER: "B11",
    VehicleCategory.SPECIAL: "Z11",
}

PLATE_PREFIX = {
    "110100": "京A", "120100": "津A", "310100": "沪A", "500100": "渝A", "320100": "苏A", "320500": "苏E",
    "330100": "浙A", "330200": "浙B", "440100": "粤A", "440300": "粤B", "510100": "川A", "370100": "鲁A",
    "370300": "鲁C", "420100": "鄂A", "360100": "赣A", "460100": "琼A", "650100": "新A", "130100": "冀A",
    "140100": "晋A", "340100": "皖A", "350100": "闽A", "410100": "豫A", "450100": "桂A", "530100": "云A",
    "630100": "青A", "210100": "辽A", "220100": "吉A", "430100": "湘A", "320200": "苏B",
}  # fmt: skip


def plate_prefix(city_code: str) -> str:
    """The plate prefix of a city: its own (苏E for Suzhou) or its province's abbreviation + A."""
    return PLATE_PREFIX.get(city_code) or PROVINCE_PLATE.get(city_code[:2], "苏") + "A"


def region_for(city_code: str) -> str:
    """A district code of the city (the 01/02 district), valid for any birth year we generate."""
    return REGION_OF_CITY.get(city_code, city_code[:4] + "02")


@dataclass
class Factory:
    """Creates core records in one session. `now` stamps creation times."""

    session: Session
    now: dt.datetime
    counter: int = 0

    def _next(self) -> int:
        self.counter += 1
        return self.counter

    # --- people and accounts -------------------------------------------------------------------
    def person(
        self,
        name: str,
        birth: dt.date = dt.date(1985, 6, 15),
        city: str = "320100",
        id_type: DocumentType = DocumentType.MAINLAND_ID,
        phone: str | None = None,
        real_person_verified: bool = True,
    ) -> Person:
        n = self._next()
        if id_type is DocumentType.MAINLAND_ID:
            number = make_id_number(region_for(city), birth, 100 + n)
        elif id_type is DocumentType.HMT_RESIDENCE_PERMIT:
            number = make_id_number("810000", birth, 100 + n)
        else:
            number = f"E{n:08d}"
        person = Person(
            id_type=id_type.value,
            id_number=number,
            name=name,
            birth_date=birth if id_type is not DocumentType.PASSPORT else birth,
            phone=phone or f"139{n:08d}",
            domicile_city=city,
            real_name_verified=True,
            real_person_verified_at=stamp(self.now) if real_person_verified else None,
            created_at=stamp(self.now),
        )
        self.session.add(person)
        self.session.flush()
        return person

    def citizen(
        self, name: str, password: str = "demo-pass-1", **person_args: Any
    ) -> tuple[Person, Account]:
        person = self.person(name, **person_args)
        account = Account(
            kind="CITIZEN",
            login=person.phone or person.id,
            password_hash=self._hash(password),
            person_id=person.id,
            roles=[Role.CITIZEN.value],
            created_at=stamp(self.now),
        )
        self.session.add(account)
        self.session.flush()
        return person, account

    def office(self, city: str, name: str | None = None, kind: str = "VEHICLE_OFFICE") -> Office:
        n = self._next()
        office = Office(
            code=f"{city}-{n:03d}",
            name=name or f"{CITIES[city].name}车辆管理所",
            city_code=city,
            kind=kind,
        )
        self.session.add(office)
        self.session.flush()
        return office

    def staff(
        self,
        login: str,
        roles: list[Role],
        city: str | None = "320100",
        province: str | None = None,
        office: Office | None = None,
        name: str | None = None,
        password: str = "demo-pass-1",
    ) -> Account:
        person = self.person(name or login, city=city or "110100")
        prov = province or (CITIES[city].province_code if city else None)
        account = Account(
            kind="STAFF",
            login=login,
            password_hash=self._hash(password),
            person_id=person.id,
            roles=[r.value for r in roles],
            province_code=prov,
            city_code=city,
            office_id=office.id if office else None,
            created_at=stamp(self.now),
        )
        self.session.add(account)
        self.session.flush()
        return account

    def unit(self, name: str, city: str = "320100") -> Unit:
        unit = Unit(
            credit_code=make_credit_code(self._next()),
            name=name,
            city_code=city,
            created_at=stamp(self.now),
        )
        self.session.add(unit)
        self.session.flush()
        return unit

    def unit_member(
        self, unit: Unit, person: Person, role: UnitRole, can_replace_plates: bool | None = None
    ) -> UnitMember:
        member = UnitMember(
            unit_id=unit.id,
            person_id=person.id,
            role=role.value,
            can_replace_plates=role is not UnitRole.USER
            if can_replace_plates is None
            else can_replace_plates,
            registered_at=stamp(self.now),
        )
        self.session.add(member)
        self.session.flush()
        return member

    def partner(
        self,
        name: str,
        kind: PartnerKind,
        scopes: list[str] | None = None,
        allowed_claims: list[str] | None = None,
        client_id: str | None = None,
        secret: str = "partner-secret-1",
        province: str | None = None,
    ) -> tuple[PartnerOrg, PartnerClient]:
        org = PartnerOrg(
            name=name,
            kind=kind.value,
            credit_code=make_credit_code(self._next()),
            scopes=scopes or [],
            allowed_claims=allowed_claims or [],
            province_code=province,
            created_at=stamp(self.now),
        )
        self.session.add(org)
        self.session.flush()
        client = PartnerClient(
            client_id=client_id or f"{kind.value.lower()}-{self._next():04d}",
            org_id=org.id,
            secret_hash=self._hash(secret),
            created_at=stamp(self.now),
        )
        self.session.add(client)
        self.session.flush()
        return org, client

    # --- registries ----------------------------------------------------------------------------
    def licence(
        self,
        person: Person,
        classes: str = "C1",
        first_issue: dt.date = dt.date(2010, 5, 20),
        city: str = "320100",
        status: LicenceStatus = LicenceStatus.NORMAL,
        points: int = 0,
        valid_from: dt.date | None = None,
        valid_years: int = 10,
        office: Office | None = None,
    ) -> DrivingLicence:
        start = valid_from or first_issue
        licence = DrivingLicence(
            person_id=person.id,
            file_number=f"{city}{self._next():06d}",
            classes=classes,
            first_issue_date=first_issue,
            valid_from=start,
            valid_until=add_years(start, valid_years),
            status=status.value,
            points=points,
            issuing_city=city,
            issuing_office_id=office.id if office else None,
            updated_at=stamp(self.now),
        )
        self.session.add(licence)
        self.session.flush()
        return licence

    def vehicle(
        self,
        owner: Person | None = None,
        unit: Unit | None = None,
        category: VehicleCategory = VehicleCategory.SMALL_PASSENGER,
        city: str = "320100",
        use: VehicleUse = VehicleUse.NON_OPERATING,
        registered: dt.date = dt.date(2018, 3, 1),
        plate: str | None = None,
        status: VehicleStatus = VehicleStatus.NORMAL,
        **extra: Any,
    ) -> Vehicle:
        n = self._next()
        vin = (
            "LSV"
            + hashlib.sha1(f"vin{n}".encode())
            .hexdigest()
            .upper()
            .replace("O", "0")
            .replace("I", "1")
        )[:17]
        vehicle = Vehicle(
            vin=vin,
            plate=plate if plate is not None else f"{plate_prefix(city)}{n % 100000:05d}",
            vehicle_type=_TYPE_OF[category],
            category=category.value,
            use=use.value,
            owner_person_id=owner.id if owner else None,
            owner_unit_id=unit.id if unit else None,
            registration_city=city,
            status=status.value,
            registered_at=registered,
            inspection_valid_until=add_years(registered, 6),
            scrap_deadline=add_years(registered, 15)
            if use is not VehicleUse.NON_OPERATING
            else None,
            updated_at=stamp(self.now),
            **extra,
        )
        self.session.add(vehicle)
        self.session.flush()
        return vehicle

    def _hash(self, secret: str) -> str:
        # hashing is deliberately slow; the same demo/test secret is hashed once per process
        if secret not in _HASHED:
            _HASHED[secret] = hash_secret(secret)
        return _HASHED[secret]


_HASHED: dict[str, str] = {}
