"""M01 figures per city and period: applications, issued e-licences, verifications."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import CHINA_TZ
from core.documents.credentials import IssuedCredential
from core.plugin_api import ReportResult, ReportRow
from core.registries.applications import Application
from core.registries.licences import DrivingLicence

from . import rules
from .models import EdlVerification


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    lo = dt.datetime.combine(start, dt.time(), tzinfo=CHINA_TZ).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=CHINA_TZ).astimezone(
        dt.UTC
    )
    return lo, hi


def monthly(session: Session, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
    lo, hi = _bounds(start, end)
    app = Application.__table__  # type: ignore[attr-defined]
    statuses = dict(
        session.execute(
            select(app.c.status, func.count())
            .where(app.c.measure == rules.MEASURE, app.c.city_code == city_code)
            .where(app.c.submitted_at >= lo, app.c.submitted_at < hi)
            .group_by(app.c.status)
        ).all()
    )
    cred = IssuedCredential.__table__  # type: ignore[attr-defined]
    lic = DrivingLicence.__table__  # type: ignore[attr-defined]
    issued = session.execute(
        select(func.count())
        .select_from(cred.join(lic, lic.c.id == cred.c.subject_id))
        .where(
            cred.c.kind == "DL",
            lic.c.issuing_city == city_code,
            cred.c.issued_at >= lo,
            cred.c.issued_at < hi,
        )
    ).scalar_one()
    ver = EdlVerification.__table__  # type: ignore[attr-defined]
    by_kind = session.execute(
        select(ver.c.verifier_kind, ver.c.result, func.count())
        .select_from(
            ver.join(cred, cred.c.handle == ver.c.handle).join(lic, lic.c.id == cred.c.subject_id)
        )
        .where(lic.c.issuing_city == city_code, ver.c.at >= lo, ver.c.at < hi)
        .group_by(ver.c.verifier_kind, ver.c.result)
    ).all()
    figures: dict[str, float | int | str] = {
        "applications": sum(statuses.values()),
        "rejected": statuses.get("REJECTED", 0),
        "issued": issued,
        "verifications_partner": sum(n for k, _r, n in by_kind if k == "PARTNER"),
        "verifications_staff": sum(n for k, _r, n in by_kind if k == "STAFF"),
        "verifications_rejected": sum(n for _k, r, n in by_kind if r != "ACCEPTED"),
    }
    return ReportResult(
        columns=list(figures),
        rows=[ReportRow(city_code, figures)],
        notes=[
            "Verifications counted by the holder's licence city; issuance by the licence city (2021-一-一-2)."
        ],
    )
