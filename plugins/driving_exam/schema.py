"""GraphQL types and operations of M03 (names prefixed `DrivingExam` / `drivingExam`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.api.types import IdTypeEnum
from core.context import Context, WriteScope
from core.errors import Code, RuleError
from core.graphql.mine import audit_unless_mine, my_rows_newest_first, renamed_mine_list
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row
from core.identity import DocumentType

from . import rules, service
from .errors import DrivingExamErrorCode
from .models import ExamBooking, ExamPermit, ExamTransfer
from .rules import MEASURE

OWN_PERMIT = "own permit"
PERMIT_READERS = "citizen: own permit; staff: the permit's exam or origin city, audited"

DrivingExamPermitKind = strawberry.enum(
    rules.PermitKind,
    name="DrivingExamPermitKind",
    description="初次申领 (FIRST) or 增驾, adding a class to a held licence (ADD).",
)


@strawberry.type(description="Subject 2 (科目二) items for a class on an exam date, with the rule.")
class DrivingExamItems:
    licence_class: str
    exam_date: dt.date
    items: list[str]
    rule: str
    explanation: str


@strawberry.type(description="A rule decision with the rule and dates it used.")
class DrivingExamDecision:
    allowed: bool
    rule: str
    explanation: str


@strawberry.type(description="A learner permit (学习驾驶证明) and what it allows.")
class DrivingExamPermit:
    id: strawberry.ID
    licence_class: str
    kind: DrivingExamPermitKind
    issued_on: dt.date
    valid_until: dt.date
    origin_city: str
    exam_city: str
    location_changes: int
    max_location_changes: int
    driving_school: str | None
    earliest_subject3_booking: dt.date
    earliest_rule: str
    earliest_explanation: str

    @classmethod
    def of(cls, row: ExamPermit, today: dt.date, other_days: int) -> DrivingExamPermit:
        earliest = rules.earliest_subject3_booking(
            row.licence_class, row.kind, row.issued_on, other_days
        )
        return from_row(
            cls,
            row,
            valid_until=rules.permit_valid_until(row.issued_on),
            max_location_changes=int(rules.max_location_changes(today).value),  # type: ignore[call-overload]
            earliest_subject3_booking=earliest.value,  # type: ignore[arg-type]
            earliest_rule=earliest.rule,
            earliest_explanation=earliest.explanation,
        )


@strawberry.type(description="A booked exam.")
class DrivingExamBooking:
    id: strawberry.ID
    subject: int
    exam_city: str
    exam_date: dt.date
    booked_on: dt.date
    rule: str
    explanation: str

    @classmethod
    def of(cls, row: ExamBooking) -> DrivingExamBooking:
        return from_row(cls, row)


@strawberry.input
class DrivingExamPermitIssueInput:
    id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    id_number: str
    licence_class: str
    issued_on: dt.date
    driving_school: str | None = None


@strawberry.input
class DrivingExamBookInput:
    permit_id: strawberry.ID
    subject: int
    exam_date: dt.date


@strawberry.input
class DrivingExamLocationChangeInput:
    permit_id: strawberry.ID
    to_city: str


@strawberry.type
class DrivingExamPermitPayload(Payload):
    permit: DrivingExamPermit | None = None


@strawberry.type
class DrivingExamBookPayload(Payload):
    booking: DrivingExamBooking | None = None


@strawberry.type
class DrivingExamLocationChangePayload(Payload):
    permit: DrivingExamPermit | None = None
    sequence: int | None = None
    rule: str | None = None


def _permit_out(ctx: Context, row: ExamPermit) -> DrivingExamPermit:
    return DrivingExamPermit.of(row, ctx.today(), service.other_interval(ctx, row.exam_city))


def _read_permit(ctx: Context, permit_id: str) -> ExamPermit:
    permit = service.load_permit_for(ctx, ctx.session, permit_id, write=False)
    ctx.require_in_force(MEASURE, permit.exam_city, field="permitId")
    ref = f"ExamPermit:{permit.id}"
    purpose = "exam permit look-up"
    audit_unless_mine(ctx, f"{MEASURE}.permit_read", permit.person_id, ref, purpose, MEASURE)
    return permit


@strawberry.type
class DrivingExamQuery:
    @operation_field(
        f"{MEASURE}.items", "Subject 2 items for C1/C2/C5 on an exam date (2021-三-一)."
    )
    def driving_exam_subject2_items(
        self, info: strawberry.Info, city: str, licence_class: str, exam_date: dt.date
    ) -> DrivingExamItems:
        ctx: Context = info.context
        ctx.require_in_force(MEASURE, city)
        cls = service.parse_class(licence_class)
        service.check_date("examDate", exam_date)
        if cls not in rules.SUBJECT2_CLASSES:
            raise RuleError(
                DrivingExamErrorCode.ITEMS_NOT_COVERED,
                "This plugin holds the Subject 2 lists of C1, C2 and C5 only.",
                field="licenceClass",
            )
        d = rules.subject2_items(cls, exam_date)
        return DrivingExamItems(
            licence_class=cls,
            exam_date=exam_date,
            items=list(d.value),  # type: ignore[call-overload]
            rule=d.rule,
            explanation=d.explanation,
        )

    @operation_field(
        f"{MEASURE}.permit_read",
        "A learner permit with its earliest Subject 3 booking.",
        qualifier=PERMIT_READERS,
    )
    def driving_exam_permit(
        self, info: strawberry.Info, permit_id: strawberry.ID
    ) -> DrivingExamPermit:
        ctx: Context = info.context
        return _permit_out(ctx, _read_permit(ctx, str(permit_id)))

    @operation_field(
        f"{MEASURE}.own_permits",
        "Your learner permits, newest first. Rollout: your domicile city.",
        qualifier="own",
        own_records=True,
    )
    def my_driving_exam_permits(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[DrivingExamPermit]:
        ctx: Context = info.context
        statement = my_rows_newest_first(ctx, MEASURE, ExamPermit, ExamPermit.issued_on)
        return paginate(ctx, statement, first, after, lambda row: _permit_out(ctx, row))

    @operation_field(
        f"{MEASURE}.own_permits",
        "Your learner permits, newest first.",
        qualifier="own",
        deprecation_reason=renamed_mine_list("myDrivingExamPermits"),
        own_records=True,
    )
    def driving_exam_my_permits(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[DrivingExamPermit]:
        return DrivingExamQuery.my_driving_exam_permits(self, info, first, after)  # type: ignore[operator]

    @operation_field(
        f"{MEASURE}.permit_read",
        "May Subject 3 be booked on `bookingDate` (default today)? By the rule of that date "
        "(2021-三-二).",
        qualifier=PERMIT_READERS,
    )
    def driving_exam_subject3_check(
        self, info: strawberry.Info, permit_id: strawberry.ID, booking_date: dt.date | None = None
    ) -> DrivingExamDecision:
        ctx: Context = info.context
        day = service.check_date("bookingDate", booking_date or ctx.today())
        permit = _read_permit(ctx, str(permit_id))
        d = rules.may_book_subject3(
            permit.licence_class,
            permit.kind,
            permit.issued_on,
            day,
            service.other_interval(ctx, permit.exam_city),
        )
        return DrivingExamDecision(allowed=bool(d.value), rule=d.rule, explanation=d.explanation)


@strawberry.type
class DrivingExamMutation:
    @mutation(
        f"{MEASURE}.permit_issue",
        "Record a learner permit (学习驾驶证明) for an applicant.",
        qualifier="own city",
    )
    def driving_exam_permit_issue(
        self, info: strawberry.Info, input: DrivingExamPermitIssueInput, scope: WriteScope
    ) -> DrivingExamPermitPayload:
        ctx: Context = info.context
        # the input's fields are the service's arguments, name for name
        row = service.issue_permit(ctx, scope.session, **vars(input))
        scope.subject(row.person_id, f"ExamPermit:{row.id}", kind=row.kind)
        return DrivingExamPermitPayload(permit=_permit_out(ctx, row))

    @mutation(
        f"{MEASURE}.book",
        "Book Subject 2 or 3 on the own permit (Subject 3 after the interval of 2021-三-二).",
        qualifier=OWN_PERMIT,
    )
    def driving_exam_book(
        self, info: strawberry.Info, input: DrivingExamBookInput, scope: WriteScope
    ) -> DrivingExamBookPayload:
        ctx: Context = info.context
        permit = service.load_permit_for(ctx, scope.session, str(input.permit_id), write=True)
        scope.subject(permit.person_id, f"ExamPermit:{permit.id}")
        row = service.book(ctx, scope.session, permit, input.subject, input.exam_date)
        scope.subject(ref=f"ExamBooking:{row.id}", subject=row.subject)
        return DrivingExamBookPayload(booking=DrivingExamBooking.of(row))

    @mutation(
        f"{MEASURE}.location_change",
        "Change the exam city of a small-car split exam (at most 3 times from 2021-06-01, "
        "2021-三-三).",
        qualifier=OWN_PERMIT,
    )
    def driving_exam_location_change(
        self, info: strawberry.Info, input: DrivingExamLocationChangeInput, scope: WriteScope
    ) -> DrivingExamLocationChangePayload:
        ctx: Context = info.context
        if not isinstance(input.to_city, str) or len(input.to_city) > 6:
            raise RuleError(Code.UNKNOWN_CITY, "Unknown city.", field="toCity")
        permit = service.load_permit_for(ctx, scope.session, str(input.permit_id), write=True)
        scope.subject(permit.person_id, f"ExamPermit:{permit.id}")
        row: ExamTransfer = service.change_location(ctx, scope.session, permit, input.to_city)
        scope.subject(from_city=row.from_city, to_city=row.to_city, sequence=row.sequence)
        return DrivingExamLocationChangePayload(
            permit=_permit_out(ctx, permit), sequence=row.sequence, rule=rules.RULE_SPLIT
        )
