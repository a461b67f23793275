"""GraphQL documents and builders shared by the M08 tests."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from core.clock import CHINA_TZ
from core.registries.applications import Application
from core.registries.licences import LicenceStatus

from ..models import BorderCrossing

P = ["overseas_relief"]
ACCEPT = """mutation($i: OverseasReliefRestoreInput!) { overseasReliefRestoreAccept(input: $i) {
  errors { code field rule date } restoration { applicationId status licenceStatus needsSubject1 lastDay rules explanation } } }"""
S1 = """mutation($a: ID!, $d: Date!) { overseasReliefSubject1Record(applicationId: $a, passedOn: $d) {
  errors { code field rule } restoration { subject1PassedOn } } }"""
REVIEW = """mutation($i: OverseasReliefReviewInput!) { overseasReliefRestoreReview(input: $i) {
  errors { code field rule } restoration { status rules licence { status validFrom validUntil } } } }"""
DEFER = """mutation($i: OverseasReliefDeferralInput!) { overseasReliefDeferralRecord(input: $i) {
  errors { code field rule } deferral { business documents agent until rule } } }"""
READ = (
    """query($a: ID!) { overseasReliefRestoration(applicationId: $a) { status needsSubject1 } }"""
)

_SEQ = iter(range(10_000))


def holder(env, status=LicenceStatus.CANCELLED_RESTORABLE, cancelled=dt.date(2021, 3, 1),
           valid_until=dt.date(2020, 9, 1), crossings=((dt.date(2019, 12, 1), "EXIT"), (dt.date(2021, 3, 1), "ENTRY"))):  # fmt: skip
    with env.session() as s:
        f = env.factory(s)
        f.counter += 10 * next(_SEQ)
        person, account = f.citizen("何海外", birth=dt.date(1983, 9, 9), city="320100")
        licence = f.licence(person, "C1", dt.date(2008, 9, 1), "320100", status=status,
                            valid_from=valid_until.replace(year=valid_until.year - 6), valid_years=6)  # fmt: skip
        if cancelled:
            licence.status_changed_at = dt.datetime.combine(cancelled, dt.time(10), tzinfo=CHINA_TZ)
        s.add(licence)
        for day, direction in crossings:
            s.add(BorderCrossing(id_number=person.id_number, day=day, direction=direction))
        s.commit()
    return person, account, licence


def accept(env, person, as_="clerk", health=True):
    v = {"i": {"idNumber": person.id_number, "healthCertificate": health}}
    return env.data(ACCEPT, v, as_=as_)["overseasReliefRestoreAccept"]


def review(env, app_id, as_="supervisor", approve=True, note="复核通过"):
    v = {"i": {"applicationId": app_id, "approve": approve, "note": note}}
    return env.data(REVIEW, v, as_=as_)["overseasReliefRestoreReview"]


def apps(env):
    with env.session() as s:
        return s.exec(select(Application)).all()


def defer_input(holder_person, agent_number, business="RENEWAL", documents="COPY",
                until="2022-06-01"):  # fmt: skip
    return {
        "holderIdNumber": holder_person.id_number,
        "agentIdNumber": agent_number,
        "business": business,
        "documents": documents,
        "until": until,
    }


def defer(env, holder_person, agent_number, as_="clerk", **given):
    v = {"i": defer_input(holder_person, agent_number, **given)}
    return env.data(DEFER, v, as_=as_)["overseasReliefDeferralRecord"]


REPORT = """query { report(name: "overseas_relief_figures", city: "320100", start: "2021-07-01", end: "2021-07-31") { rows { label values } } }"""
DEMO_ACCEPT = """mutation($i: OverseasReliefRestoreInput!) { overseasReliefRestoreAccept(input: $i) {
  errors { code } restoration { lastDay needsSubject1 } } }"""
