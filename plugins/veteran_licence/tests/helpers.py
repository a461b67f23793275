"""GraphQL documents and builders shared by the M07 tests."""

from __future__ import annotations

import datetime as dt

from ..models import MilitaryLicenceRecord

P = ["veteran_licence"]
EXCHANGE = """mutation($i: VeteranLicenceExchangeInput!) { veteranLicenceExchange(input: $i) {
  errors { code field rule } exchange { applicationId status checkReasons firstIssueDate rules explanation
  licence { classes firstIssueDate validFrom validUntil remarks issuingCity } } } }"""
QUEUE = """{ veteranLicenceSuspiciousQueue(first: 10) { totalCount nodes { applicationId applicantName reasons militaryNumber } } }"""
RESOLVE = """mutation($i: VeteranLicenceResolveInput!) { veteranLicenceSuspiciousResolve(input: $i) {
  errors { code field } exchange { status firstIssueDate licence { classes } } } }"""
REMARK = """mutation($n: String!) { veteranLicenceRecordRemarkRequest(militaryNumber: $n) { errors { code field rule } remark { text rule } } }"""
RECORD = "{ myVeteranLicenceDrivingRecord { militaryNumber text } }"

SEQ = iter(range(10_000))


def veteran(env, birth=dt.date(1990, 8, 1), record=True, number=None, first=dt.date(2010, 10, 15),
            classes="C1", additions=(), issued=dt.date(2015, 1, 1), exchanged=None, civil=False):  # fmt: skip
    with env.session() as s:
        f = env.factory(s)
        f.counter += 10 * next(SEQ)
        person, account = f.citizen("吴退役", birth=birth, city="320100")
        number = number or f"JW{f.counter:08d}"
        if civil:
            f.licence(person, "C1", dt.date(2019, 5, 20), "320100", valid_from=dt.date(2019, 5, 20))
        if record:
            s.add(MilitaryLicenceRecord(
                military_number=number, id_number=person.id_number, name=person.name,
                first_issue_date=first, classes=classes, additions=list(additions), issued_on=issued,
                exchanged_on=exchanged,
            ))  # fmt: skip
        s.commit()
    return person, account, number


def exchange(env, person, number, classes="C1", first="2010-10-15", as_="clerk"):
    v = {
        "i": {
            "idNumber": person.id_number,
            "militaryNumber": number,
            "classes": classes,
            "militaryFirstIssueDate": first,
        }
    }
    return env.data(EXCHANGE, v, as_=as_)["veteranLicenceExchange"]


def remark(env, account, number):
    return env.data(REMARK, {"n": number}, as_=account)["veteranLicenceRecordRemarkRequest"]


def resolve(env, app_id, as_, approve=True, note="核实"):
    v = {"i": {"applicationId": app_id, "approve": approve, "note": note}}
    return env.data(RESOLVE, v, as_=as_)["veteranLicenceSuspiciousResolve"]


REPORT = """query { report(name: "veteran_licence_exchanges", city: "320100", start: "2021-07-01", end: "2021-07-31") { rows { label values } } }"""
DEMO_EXCHANGE = """mutation($i: VeteranLicenceExchangeInput!) { veteranLicenceExchange(input: $i) {
  errors { code } exchange { status firstIssueDate } } }"""
