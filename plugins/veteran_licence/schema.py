"""GraphQL types and operations of M07 (names prefixed `VeteranLicence` / `veteranLicence`)."""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import select

from core.accounts import Person
from core.api.review_types import NotedDecisionInput
from core.api.types import DrivingLicence, IdTypeEnum
from core.context import Context, WriteScope
from core.graphql.mine import renamed_mine_list
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.identity import DocumentType
from core.registries.applications import Application, AppStatus

from . import rules, service
from .models import DrivingRecordRemark
from .rules import MEASURE
from .service import BUSINESS

VeteranLicenceExchangeStatus = strawberry.enum(
    rules.ExchangeStatus,
    name="VeteranLicenceExchangeStatus",
    description="COMPLETED (licence issued), UNDER_REVIEW (suspicious queue) or REJECTED.",
)


@strawberry.type(
    description="The outcome of an exchange: a civil licence, or the suspicious queue."
)
class VeteranLicenceExchange:
    application_id: strawberry.ID
    status: VeteranLicenceExchangeStatus
    check_reasons: list[str] = strawberry.field(
        description="Why the registry check failed (empty: passed)"
    )
    licence: DrivingLicence | None
    first_issue_date: dt.date | None
    rules: list[str]
    explanation: str | None

    @classmethod
    def of(cls, out: service.Outcome) -> VeteranLicenceExchange:
        used = [rules.RULE_CHECK]
        if out.first_issue:
            used += [*out.first_issue.rules, rules.RULE_VALIDITY, rules.RULE_REMARK]
        return cls(
            application_id=strawberry.ID(out.application.id),
            status=rules.ExchangeStatus(out.application.status),
            check_reasons=list(out.reasons),
            licence=DrivingLicence.of(out.licence) if out.licence else None,
            first_issue_date=out.first_issue.day if out.first_issue else None,
            rules=used,
            explanation=out.first_issue.explanation if out.first_issue else None,
        )


@strawberry.type(description="A business waiting in the suspicious queue (嫌疑业务).")
class VeteranLicenceSuspicious:
    application_id: strawberry.ID
    applicant_name: str
    military_number: str
    classes: list[str]
    reasons: list[str]
    submitted_at: dt.datetime


@strawberry.type(description="A remark in the traffic-safety driving record (交通安全驾驶记录).")
class VeteranLicenceRecordRemark:
    id: strawberry.ID
    military_number: str
    text: str
    rule: str
    created_at: dt.datetime

    @classmethod
    def of(cls, row: DrivingRecordRemark) -> VeteranLicenceRecordRemark:
        return cls(
            id=strawberry.ID(row.id),
            military_number=row.military_number,
            text=row.text,
            rule=row.rule,
            created_at=row.created_at,
        )


@strawberry.input
class VeteranLicenceExchangeInput:
    id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    id_number: str
    military_number: str
    classes: str
    military_first_issue_date: dt.date


@strawberry.input
class VeteranLicenceResolveInput(NotedDecisionInput):
    pass


@strawberry.type
class VeteranLicenceExchangePayload(Payload):
    exchange: VeteranLicenceExchange | None = None


@strawberry.type
class VeteranLicenceRemarkPayload(Payload):
    remark: VeteranLicenceRecordRemark | None = None


@strawberry.type
class VeteranLicenceQuery:
    @operation_field(
        f"{MEASURE}.queue_read",
        "Exchanges whose registry check failed, waiting for a clerk (2021-七-一).",
        qualifier="own city; audited",
    )
    def veteran_licence_suspicious_queue(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[VeteranLicenceSuspicious]:
        ctx: Context = info.context
        city = ctx.actor.city_code or ""
        ctx.require_in_force(MEASURE, city)
        statement = (
            select(Application)
            .where(
                Application.measure == MEASURE,
                Application.business == BUSINESS,
                Application.city_code == city,
                Application.status == AppStatus.UNDER_REVIEW.value,
            )
            .order_by(Application.submitted_at, Application.id)
        )

        def convert(app: Application) -> VeteranLicenceSuspicious:
            person = ctx.session.get(Person, app.subject_person_id)
            return VeteranLicenceSuspicious(
                application_id=strawberry.ID(app.id),
                applicant_name=person.name if person else "",
                military_number=app.data.get("military_number", ""),
                classes=list(app.data.get("classes", [])),
                reasons=list(app.data.get("reasons", [])),
                submitted_at=app.submitted_at,
            )

        page = paginate(ctx, statement, first, after, convert)
        ctx.audit_read(
            f"{MEASURE}.queue_read",
            None,
            f"City:{city}",
            {"purpose": "suspicious queue", "count": len(page.nodes)},
            measure=MEASURE,
        )
        return page

    @operation_field(
        f"{MEASURE}.record_read",
        "Your driving-record remarks of military service (2021-七-三-2).",
        qualifier="own",
        own_records=True,
    )
    def my_veteran_licence_driving_record(
        self, info: strawberry.Info
    ) -> list[VeteranLicenceRecordRemark]:
        ctx: Context = info.context
        person_id = ctx.require_person()
        licence = service.live_licence(ctx.session, person_id)
        person = ctx.session.get(Person, person_id)
        city = licence.issuing_city if licence else (person.domicile_city if person else None)
        ctx.require_in_force(MEASURE, city or "")
        rows = ctx.session.exec(
            select(DrivingRecordRemark)
            .where(DrivingRecordRemark.person_id == person_id)
            .order_by(DrivingRecordRemark.created_at)
        ).all()
        return [VeteranLicenceRecordRemark.of(r) for r in rows]

    @operation_field(
        f"{MEASURE}.record_read",
        "Your driving-record remarks of military service, as `myVeteranLicenceDrivingRecord`.",
        qualifier="own",
        own_records=True,
        deprecation_reason=renamed_mine_list("myVeteranLicenceDrivingRecord"),
    )
    def veteran_licence_driving_record(
        self, info: strawberry.Info
    ) -> list[VeteranLicenceRecordRemark]:
        return VeteranLicenceQuery.my_veteran_licence_driving_record(self, info)  # type: ignore[operator]


@strawberry.type
class VeteranLicenceMutation:
    @mutation(
        f"{MEASURE}.exchange",
        "Exchange a military / armed-police licence at a window: registry check, then issue or "
        "suspicious queue (2021-七).",
        qualifier="own city",
    )
    def veteran_licence_exchange(
        self, info: strawberry.Info, input: VeteranLicenceExchangeInput, scope: WriteScope
    ) -> VeteranLicenceExchangePayload:
        out = service.apply_exchange(
            info.context, scope.session, input.id_type, input.id_number, input.military_number,
            input.classes, input.military_first_issue_date,
        )  # fmt: skip
        scope.subject(
            out.application.subject_person_id,
            f"Application:{out.application.id}",
            check=out.application.data.get("check"),
        )
        return VeteranLicenceExchangePayload(exchange=VeteranLicenceExchange.of(out))

    @mutation(
        f"{MEASURE}.resolve",
        "Close a suspicious exchange after checking it by hand: approve issues the licence, "
        "reject ends it.",
        qualifier="own city",
        way_out=lambda a: not a["input"].approve,
    )
    def veteran_licence_suspicious_resolve(
        self, info: strawberry.Info, input: VeteranLicenceResolveInput, scope: WriteScope
    ) -> VeteranLicenceExchangePayload:
        out = service.resolve(
            info.context, scope, str(input.application_id), input.approve, input.checked_note()
        )
        return VeteranLicenceExchangePayload(exchange=VeteranLicenceExchange.of(out))

    @mutation(
        f"{MEASURE}.record_remark",
        "Ask for the military dates to be remarked in your driving record, if your licence was "
        "exchanged by 2021-05-31 from a new-format military licence (2021-七-三-2).",
        qualifier="own",
    )
    def veteran_licence_record_remark_request(
        self, info: strawberry.Info, military_number: str, scope: WriteScope
    ) -> VeteranLicenceRemarkPayload:
        row = service.record_remark(info.context, scope.session, military_number)
        scope.subject(row.person_id, f"RecordRemark:{row.id}")
        return VeteranLicenceRemarkPayload(remark=VeteranLicenceRecordRemark.of(row))
