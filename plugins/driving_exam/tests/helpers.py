"""GraphQL documents and builders shared by the M03 tests."""

from __future__ import annotations

import datetime as dt

P = ["driving_exam"]

ITEMS = """query($c: String!, $k: String!, $d: Date!) {
  drivingExamSubject2Items(city: $c, licenceClass: $k, examDate: $d) { items rule explanation } }"""
ISSUE = """mutation($i: DrivingExamPermitIssueInput!) { drivingExamPermitIssue(input: $i) {
  errors { code field rule } permit { id kind licenceClass earliestSubject3Booking earliestRule earliestExplanation maxLocationChanges } } }"""
BOOK = """mutation($i: DrivingExamBookInput!) { drivingExamBook(input: $i) {
  errors { code field rule date } booking { id subject examDate rule explanation } } }"""
MOVE = """mutation($i: DrivingExamLocationChangeInput!) { drivingExamLocationChange(input: $i) {
  errors { code field rule } sequence permit { examCity locationChanges } } }"""
CHECK = """query($p: ID!, $d: Date) { drivingExamSubject3Check(permitId: $p, bookingDate: $d) { allowed rule explanation } }"""
PERMIT = (
    """query($p: ID!) { drivingExamPermit(permitId: $p) { id examCity earliestSubject3Booking } }"""
)


_SEQ = iter(range(10_000))


def learner(env, name="赵学员", birth=dt.date(2001, 3, 3)):
    with env.session() as s:
        f = env.factory(s)
        f.counter += 10 * next(_SEQ)  # a fresh ID number for every learner
        person, account = f.citizen(name, birth=birth, city="320100")
        s.commit()
    return person, account


def issue(env, number, cls, issued, as_="clerk", school=None):
    body = env.data(
        ISSUE,
        {
            "i": {
                "idNumber": number,
                "licenceClass": cls,
                "issuedOn": issued,
                "drivingSchool": school,
            }
        },
        as_=as_,
    )
    return body["drivingExamPermitIssue"]


def new_permit(env, cls="C2", issued="2021-06-05", school=None):
    person, account = learner(env)
    out = issue(env, person.id_number, cls, issued, school=school)
    assert out["errors"] == [], out
    return out["permit"], account


def book(env, permit_id, account, subject=3, exam="2021-08-20"):
    return env.data(
        BOOK, {"i": {"permitId": permit_id, "subject": subject, "examDate": exam}}, as_=account
    )["drivingExamBook"]


def move(env, permit_id, account, city):
    return env.data(MOVE, {"i": {"permitId": permit_id, "toCity": city}}, as_=account)[
        "drivingExamLocationChange"
    ]


REPORT = """query($c: String!, $s: Date!, $e: Date!) { report(name: "driving_exam_transfer_anomalies", city: $c, start: $s, end: $e) {
  columns rows { label values } notes } }"""

MINE = (
    "query($f: Int!) { myDrivingExamPermits(first: $f) { totalCount nodes { id licenceClass } } }"
)
MINE_OLD = (  # the deprecated name of MINE
    "query($f: Int!) { drivingExamMyPermits(first: $f) { totalCount nodes { id licenceClass } } }"
)
SET_INTERVAL = """mutation($v: JSON!) { measureSettingSet(measure: "driving_exam", scopeCode: "320100",
  key: "other_class_interval_days", value: $v) { errors { code field } } }"""
DEMO_PERMIT = "query($p: ID!) { drivingExamPermit(permitId: $p) { examCity locationChanges earliestSubject3Booking } }"
