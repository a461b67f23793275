"""M07's part of the demo data: registry records for one veteran to exchange and one exchanged
before 2021-05-31 who may ask for the driving-record remark."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from core.demo import DemoWorld

from .models import MilitaryLicenceRecord


def load(session: Session, demo: DemoWorld) -> None:
    f = demo.factory
    veteran, _ = f.citizen("吴退役", birth=dt.date(1990, 8, 1), city="320100", phone="13900000701")
    session.add(
        MilitaryLicenceRecord(
            military_number="JW20150001", id_number=veteran.id_number, name=veteran.name,
            first_issue_date=dt.date(2010, 10, 15), classes="B2 C1",
            additions=[{"class": "B2", "date": "2014-05-01"}], issued_on=dt.date(2015, 1, 1),
        )
    )  # fmt: skip
    earlier, _ = f.citizen("郑老兵", birth=dt.date(1980, 3, 3), city="320100", phone="13900000702")
    f.licence(earlier, "C1", dt.date(2001, 5, 20), "320100", valid_from=dt.date(2019, 5, 20))
    session.add(
        MilitaryLicenceRecord(
            military_number="WJ20120002", id_number=earlier.id_number, name=earlier.name,
            first_issue_date=dt.date(2001, 3, 10), classes="C1", additions=[],
            issued_on=dt.date(2012, 6, 1), exchanged_on=dt.date(2019, 5, 20),
        )
    )  # fmt: skip
    demo.refs["veteran"] = veteran
    demo.refs["veteran_exchanged"] = earlier
