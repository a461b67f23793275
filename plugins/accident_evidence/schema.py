"""GraphQL types, inputs and operations of M12 (names prefixed `AccidentEvidence` / `accidentEvidence`)."""

from __future__ import annotations

import datetime as dt
from typing import Self

import strawberry

from core.api.types import IdTypeEnum
from core.context import Context, WriteScope
from core.errors import NotFound
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.rows import from_row
from core.identity import DocumentType, mask_id_number

from . import rules, service
from .models import (
    AccidentCase,
    AccidentParty,
    AccidentRelative,
    EvidenceItem,
    EvidenceRequester,
)
from .rules import (
    ACCESS_CHANNELS,
    KIND_LABELS,
    MEASURE,
    RIGHTS_AND_DUTIES,
    Confidentiality,
    DeliveredDocument,
    EvidenceKind,
    OfferStatus,
    Procedure,
    RequesterType,
    mask_phone,
)

ProcedureEnum = strawberry.enum(
    Procedure, name="AccidentEvidenceProcedure", description="一般程序 / 简易程序"
)
RequesterTypeEnum = strawberry.enum(
    RequesterType, name="AccidentEvidenceRequesterType", description="人员类型"
)
KindEnum = strawberry.enum(EvidenceKind, name="AccidentEvidenceKind", description="证据材料种类")
ConfidentialityEnum = strawberry.enum(
    Confidentiality, name="AccidentEvidenceConfidentiality", description="保密情形"
)
OfferStatusEnum = strawberry.enum(OfferStatus, name="AccidentEvidenceOfferStatus")
DeliveredDocumentEnum = strawberry.enum(
    DeliveredDocument,
    name="AccidentEvidenceDeliveredDocument",
    description="事故认定书 (DETERMINATION) or 事故证明 (CERTIFICATE).",
)

OWN_CITY = "own city"


# --- output types ----------------------------------------------------------------------------------


def _masked(row: AccidentParty | AccidentRelative) -> dict[str, str | None]:
    """A person's ID number and phone as an answer shows them: masked."""
    return {
        "id_number": mask_id_number(row.id_number) or "",
        "phone": mask_phone(row.phone) if row.phone else None,
    }


@strawberry.type(description="A close relative (近亲属) of a party who died (ID number, phone masked).")  # fmt: skip
class AccidentEvidenceRelative:
    id: strawberry.ID
    name: str
    id_type: IdTypeEnum
    id_number: str
    phone: str | None
    told_at: dt.datetime | None = strawberry.field(
        description="When they were told they may look evidence up (十二-二)."
    )

    @classmethod
    def of(cls, row: AccidentRelative) -> AccidentEvidenceRelative:
        return from_row(cls, row, **_masked(row))


@strawberry.type(description="A party of an accident (ID number masked).")
class AccidentEvidenceParty:
    id: strawberry.ID
    name: str
    id_type: IdTypeEnum
    id_number: str = strawberry.field(description="Masked, e.g. 320102********1234.")
    deceased: bool
    phone: str | None = strawberry.field(description="Masked.")
    told_at: dt.datetime | None = strawberry.field(
        description="When the party (for a party who died: a close relative) was told at "
        "acceptance that evidence may be looked up online (十二-二)."
    )
    relatives: list[AccidentEvidenceRelative]

    @classmethod
    def of(cls, row: AccidentParty, relatives: list[AccidentRelative]) -> AccidentEvidenceParty:
        mine = [AccidentEvidenceRelative.of(r) for r in relatives if r.party_id == row.id]
        return from_row(cls, row, **_masked(row), relatives=mine)


@strawberry.type(description="An evidence item a requester may view and copy.")
class AccidentEvidenceFile:
    id: strawberry.ID
    kind: KindEnum  # type: ignore[valid-type]
    kind_label: str
    title: str
    sha256: str

    @classmethod
    def of(cls, row: EvidenceItem) -> Self:
        return from_row(cls, row, kind_label=KIND_LABELS[EvidenceKind(row.kind)])


@strawberry.type(description="An evidence item as staff see it.")
class AccidentEvidenceItem(AccidentEvidenceFile):
    confidentiality: ConfidentialityEnum  # type: ignore[valid-type]
    offer_status: OfferStatusEnum  # type: ignore[valid-type]
    review_note: str | None


@strawberry.type(description="A registered requester (查阅人); ID number and phone masked.")
class AccidentEvidenceRequester:
    id: strawberry.ID
    party_id: strawberry.ID
    requester_type: RequesterTypeEnum  # type: ignore[valid-type]
    id_type: IdTypeEnum
    id_number: str
    phone: str
    registered_at: dt.datetime
    application_date: dt.date | None = strawberry.field(description="书面申请的日期 (十二-二).")
    application_document_sha256: str | None = strawberry.field(
        description="SHA-256 of the written application's scan."
    )

    @classmethod
    def of(cls, row: EvidenceRequester) -> AccidentEvidenceRequester:
        return from_row(
            cls,
            row,
            id_number=mask_id_number(row.id_number) or "",
            phone=mask_phone(row.phone),
            application_document_sha256=row.application_sha256,
        )


@strawberry.type(description="An accident case with its parties, evidence and requesters (staff).")
class AccidentEvidenceCase:
    id: strawberry.ID
    accident_number: str
    city: str
    procedure: ProcedureEnum  # type: ignore[valid-type]
    occurred_on: dt.date
    summary: str | None
    determination_delivered_on: dt.date | None
    certificate_delivered_on: dt.date | None
    completeness_checked_at: dt.datetime | None = strawberry.field(
        description="When the officer last confirmed the evidence entered is complete (十二-四); "
        "null, or stale once another item is recorded, blocks submitting for review."
    )
    parties: list[AccidentEvidenceParty]
    items: list[AccidentEvidenceItem]
    requesters: list[AccidentEvidenceRequester]

    @classmethod
    def of(cls, ctx: Context, row: AccidentCase) -> AccidentEvidenceCase:
        session = ctx.session
        relatives = service.relatives_of(session, row.id)
        return from_row(
            cls,
            row,
            city=row.city_code,
            parties=[
                AccidentEvidenceParty.of(p, relatives) for p in service.parties_of(session, row.id)
            ],
            items=[AccidentEvidenceItem.of(i) for i in service.items_of(session, row.id)],
            requesters=[
                AccidentEvidenceRequester.of(r) for r in service.requesters_of(session, row.id)
            ],
        )


@strawberry.type(description="查阅凭证: 事故编号、查阅码、查阅途径、权利义务 (2021 item 十二-二).")
class AccidentEvidenceVoucher:
    accident_number: str
    access_code: str = strawberry.field(description="查阅码: shown once, only on this voucher.")
    access_channels: str = strawberry.field(description="查阅途径")
    rights_and_duties: str = strawberry.field(description="权利义务")
    text: str = strawberry.field(description="The printable voucher.")
    qr: str = strawberry.field(description="Signed QR payload `AE1:` (no code, no ID number).")


@strawberry.type(description="What a requester may look up for one accident.")
class AccidentEvidenceFolder:
    accident_number: str
    city: str
    files: list[AccidentEvidenceFile]


@strawberry.type(description="One downloaded evidence item (a copy, 复制).")
class AccidentEvidenceDownload:
    file: AccidentEvidenceFile
    content: str


# --- inputs and payloads ---------------------------------------------------------------------------


@strawberry.input(description="A close relative (近亲属) of a party who died, to be told in the party's place.")  # fmt: skip
class AccidentEvidenceRelativeInput:
    name: str
    id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    id_number: str
    phone: str | None = strawberry.field(
        default=None, description="A mobile number, for the SMS when they have no account."
    )


@strawberry.input
class AccidentEvidencePartyInput:
    name: str
    id_type: IdTypeEnum = DocumentType.MAINLAND_ID
    id_number: str
    deceased: bool = False
    phone: str | None = strawberry.field(
        default=None, description="A mobile number, for the SMS when the party has no account."
    )
    relatives: list[AccidentEvidenceRelativeInput] = strawberry.field(
        default_factory=list,
        description="For a party who died: at least one close relative who can be told.",
    )


@strawberry.input
class AccidentEvidenceCaseInput:
    accident_number: str
    city: str
    procedure: ProcedureEnum  # type: ignore[valid-type]
    occurred_on: dt.date
    parties: list[AccidentEvidencePartyInput]
    summary: str | None = None


@strawberry.input
class AccidentEvidenceItemInput:
    accident_number: str
    kind: KindEnum  # type: ignore[valid-type]
    title: str
    content: str
    confidentiality: ConfidentialityEnum = Confidentiality.NONE  # type: ignore[valid-type]


@strawberry.input
class AccidentEvidenceRequesterInput:
    accident_number: str
    party_id: strawberry.ID
    requester_type: RequesterTypeEnum  # type: ignore[valid-type]
    id_type: IdTypeEnum
    id_number: str
    phone: str
    application_date: dt.date = strawberry.field(description="书面申请的日期 (十二-二).")
    application_document_sha256: str = strawberry.field(
        description="SHA-256 of the written application's scan (十二-二 应当提交书面申请)."
    )


@strawberry.type
class AccidentEvidenceCasePayload(Payload):
    case: AccidentEvidenceCase | None = None


@strawberry.type
class AccidentEvidenceItemPayload(Payload):
    item: AccidentEvidenceItem | None = None


@strawberry.type
class AccidentEvidenceRequesterPayload(Payload):
    requester: AccidentEvidenceRequester | None = None
    voucher: AccidentEvidenceVoucher | None = None


def _relative(r: AccidentEvidenceRelativeInput) -> service.RelativeInput:
    return service.RelativeInput(r.name, r.id_type, r.id_number, r.phone)


# --- operations ------------------------------------------------------------------------------------


@strawberry.type
class AccidentEvidenceQuery:
    @operation_field(f"{MEASURE}.case_read", "An accident case. Audited.", qualifier=OWN_CITY)
    def accident_evidence_case(
        self, info: strawberry.Info, accident_number: str
    ) -> AccidentEvidenceCase:
        ctx: Context = info.context
        case = service.staff_case(ctx, ctx.session, accident_number)
        answer = AccidentEvidenceCase.of(ctx, case)
        ctx.audit_read(f"{MEASURE}.case_read", None, f"AccidentCase:{case.id}", {"purpose": "case"})
        return answer

    @operation_field(
        f"{MEASURE}.access",
        "Approved, non-confidential items only; after delivery of the determination or "
        "certificate. Rate-limited; audited.",
        qualifier="the registered requester, with the access code",
    )
    def accident_evidence_folder(
        self, info: strawberry.Info, accident_number: str, access_code: str
    ) -> AccidentEvidenceFolder:
        ctx: Context = info.context
        case, requester = service.open_access(ctx, accident_number, access_code)
        files = [AccidentEvidenceFile.of(i) for i in service.visible_items(ctx.session, case)]
        service.audit_access(ctx, case, requester, "list")
        return AccidentEvidenceFolder(
            accident_number=case.accident_number, city=case.city_code, files=files
        )

    @operation_field(
        f"{MEASURE}.access",
        "Download (copy) one approved, non-confidential item. Rate-limited; audited.",
        qualifier="the registered requester",
    )
    def accident_evidence_download(
        self, info: strawberry.Info, accident_number: str, access_code: str, item_id: strawberry.ID
    ) -> AccidentEvidenceDownload:
        ctx: Context = info.context
        case, requester = service.open_access(ctx, accident_number, access_code)
        found = {i.id: i for i in service.visible_items(ctx.session, case)}.get(str(item_id))
        if found is None:
            raise NotFound("EvidenceItem", "itemId")
        service.audit_access(ctx, case, requester, "download", found.id)
        return AccidentEvidenceDownload(file=AccidentEvidenceFile.of(found), content=found.content)


@strawberry.type
class AccidentEvidenceMutation:
    @mutation(
        f"{MEASURE}.case_register",
        "Records an accident and its parties; parties with an account are told they may look "
        "evidence up online (十二-二).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_case_register(
        self, info: strawberry.Info, input: AccidentEvidenceCaseInput, scope: WriteScope
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        parties = [
            service.PartyInput(
                p.name,
                p.id_type,
                p.id_number,
                p.deceased,
                p.phone,
                tuple(_relative(r) for r in p.relatives),
            )
            for p in input.parties
        ]
        case = service.register_case(
            ctx,
            scope,
            input.accident_number,
            input.city,
            input.procedure,
            input.occurred_on,
            input.summary,
            parties,
        )
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(
        f"{MEASURE}.relative_add",
        "Records a close relative of a party who died and tells them they may look evidence up "
        "online (十二-一, 十二-二).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_relative_add(
        self,
        info: strawberry.Info,
        accident_number: str,
        party_id: strawberry.ID,
        relative: AccidentEvidenceRelativeInput,
        scope: WriteScope,
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        case = service.add_relative(ctx, scope, accident_number, str(party_id), _relative(relative))
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(
        f"{MEASURE}.completeness_confirm",
        "The officer confirms the evidence entered for the case is complete, before submitting "
        "items for the unit head's review (十二-四 核对录入事故证据材料的完整性).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_completeness_confirm(
        self,
        info: strawberry.Info,
        accident_number: str,
        scope: WriteScope,
        note: str | None = None,
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        case = service.confirm_completeness(ctx, scope, accident_number, note)
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(
        f"{MEASURE}.delivery_record",
        "Records the delivery date of the determination (认定书) or certificate (事故证明).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_delivery_record(
        self,
        info: strawberry.Info,
        accident_number: str,
        document: DeliveredDocumentEnum,  # type: ignore[valid-type]
        delivered_on: dt.date,
        scope: WriteScope,
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        case = service.record_delivery(ctx, scope, accident_number, document, delivered_on)
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(f"{MEASURE}.item_record", "Records one evidence item (十二-四).", qualifier=OWN_CITY)
    def accident_evidence_item_record(
        self, info: strawberry.Info, input: AccidentEvidenceItemInput, scope: WriteScope
    ) -> AccidentEvidenceItemPayload:
        # the input's fields are the service's arguments, name for name
        item = service.record_item(info.context, scope, **vars(input))
        return AccidentEvidenceItemPayload(item=AccidentEvidenceItem.of(item))

    @mutation(
        f"{MEASURE}.offer_submit",
        "Ticks items to provide and submits them to the unit head (十二-四); confidential items "
        "are refused.",
        qualifier=OWN_CITY,
    )
    def accident_evidence_offer_submit(
        self,
        info: strawberry.Info,
        accident_number: str,
        item_ids: list[strawberry.ID],
        scope: WriteScope,
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        case = service.submit_offer(ctx, scope, accident_number, [str(i) for i in item_ids])
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(
        f"{MEASURE}.offer_review",
        "Approves or rejects the submitted items (十二-四: 事故处理机构负责人审核).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_offer_review(
        self,
        info: strawberry.Info,
        accident_number: str,
        approve: bool,
        scope: WriteScope,
        note: str | None = None,
    ) -> AccidentEvidenceCasePayload:
        ctx: Context = info.context
        case = service.review_offer(ctx, scope, accident_number, approve, note)
        return AccidentEvidenceCasePayload(case=AccidentEvidenceCase.of(ctx, case))

    @mutation(
        f"{MEASURE}.requester_register",
        "After the identity check, records the requester and issues the access code and voucher "
        "(十二-二).",
        qualifier=OWN_CITY,
    )
    def accident_evidence_requester_register(
        self, info: strawberry.Info, input: AccidentEvidenceRequesterInput, scope: WriteScope
    ) -> AccidentEvidenceRequesterPayload:
        issued = service.register_requester(
            info.context,
            scope,
            input.accident_number,
            str(input.party_id),
            input.requester_type,
            input.id_type,
            input.id_number,
            input.phone,
            input.application_date,
            input.application_document_sha256,
        )
        return AccidentEvidenceRequesterPayload(
            requester=AccidentEvidenceRequester.of(issued.requester),
            voucher=AccidentEvidenceVoucher(
                accident_number=rules.parse_accident_number(input.accident_number),
                access_code=issued.access_code,
                access_channels=ACCESS_CHANNELS,
                rights_and_duties=RIGHTS_AND_DUTIES,
                text=issued.text,
                qr=issued.qr,
            ),
        )
