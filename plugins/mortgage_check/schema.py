"""GraphQL types and operations of M10 (names prefixed `Mortgage` / `mortgage`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.context import Context, WriteScope
from core.divisions import city as lookup_city
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.pagination import Connection, paginate
from core.graphql.rows import from_row

from . import rules, service
from .models import MortgageDisputeRow, MortgageFilingRow, MortgageFinanceCompanyRow
from .rules import MEASURE, Rule

FilingKindEnum = strawberry.enum(
    rules.FilingKind,
    name="MortgageFilingKind",
    description="抵押登记 (MORTGAGE) or 解除抵押登记 (RELEASE).",
)
SealTypeEnum = strawberry.enum(
    rules.SealType,
    name="MortgageSealType",
    description="The seal on the business-licence copy; it may be electronic (十-二).",
)
CompanyKindEnum = strawberry.enum(
    rules.CompanyKind,
    name="MortgageCompanyKind",
    description="汽车金融公司 (AUTO_FINANCE) or 财务公司 (FINANCE_COMPANY), filed nationally (十-三).",
)
LenderKindEnum = strawberry.enum(
    rules.LenderKind,
    name="MortgageLenderKind",
    description="The kind of lender that filed: a bank, an auto-finance or a finance company (十-一).",
)


@strawberry.type(description="An auto-finance or finance company in the national registry (十-三).")
class MortgageFinanceCompany:
    id: strawberry.ID
    name: str
    credit_code: str
    kind: CompanyKindEnum  # type: ignore[valid-type]
    city: str
    licence_copy_ref: str
    licence_copy_sha256: str
    seal_sha256: str
    seal_electronic: bool
    filed_at: dt.datetime
    active: bool = strawberry.field(description="False once deactivated: its filings are refused.")
    status_reason: str | None
    updated_at: dt.datetime | None
    previous_licence_copies: int = strawberry.field(
        description="How many earlier licence copies were replaced (kept for the record)."
    )

    @classmethod
    def of(cls, row: MortgageFinanceCompanyRow) -> MortgageFinanceCompany:
        return from_row(
            cls,
            row,
            china_times=True,
            city=row.city_code,
            previous_licence_copies=len(row.previous_copies or []),
        )


@strawberry.type(description="A document of a filing: reference, SHA-256 and its seal (十-二).")
class MortgageDocument:
    ref: str
    sha256: str
    seal_type: SealTypeEnum  # type: ignore[valid-type]

    @classmethod
    def of(cls, ref: str | None, sha: str | None, seal: str | None) -> MortgageDocument | None:
        if not ref or not sha:
            return None
        return cls(ref=ref, sha256=sha, seal_type=rules.SealType(seal or "ELECTRONIC"))


@strawberry.type(description="An online mortgage or release filing (联网核查).")
class MortgageFiling:
    id: strawberry.ID
    kind: FilingKindEnum  # type: ignore[valid-type]
    lender_name: str
    lender_kind: LenderKindEnum  # type: ignore[valid-type]
    licence_copy_ref: str
    licence_copy_sha256: str
    seal_type: SealTypeEnum  # type: ignore[valid-type]
    active: bool
    filed_at: dt.datetime
    contract: MortgageDocument | None = strawberry.field(description="抵押合同 (十-二).")
    entrustment: MortgageDocument | None = strawberry.field(
        description="The owner's written entrustment of the lender (书面委托, 十-二)."
    )
    owner_is_unit: bool

    @classmethod
    def of(cls, row: MortgageFilingRow) -> MortgageFiling:
        return from_row(
            cls,
            row,
            china_times=True,
            contract=MortgageDocument.of(
                row.contract_ref, row.contract_sha256, row.contract_seal_type
            ),
            entrustment=MortgageDocument.of(
                row.entrustment_ref, row.entrustment_sha256, row.entrustment_seal_type
            ),
            owner_is_unit=row.owner_unit_id is not None,
        )


DisputeStatusEnum = strawberry.enum(
    rules.DisputeStatus,
    name="MortgageDisputeStatus",
    description="An owner's dispute: OPEN, then UPHELD / DISMISSED by the office or WITHDRAWN.",
)


@strawberry.type(description="An owner's dispute of a mortgage filed on their vehicle.")
class MortgageDispute:
    id: strawberry.ID
    filing_id: strawberry.ID
    city: str
    reason: str
    status: DisputeStatusEnum  # type: ignore[valid-type]
    raised_at: dt.datetime
    decided_at: dt.datetime | None
    decision_note: str | None

    @classmethod
    def of(cls, row: MortgageDisputeRow) -> MortgageDispute:
        return from_row(cls, row, china_times=True, city=row.city_code)


@strawberry.type
class MortgageDisputePayload(Payload):
    dispute: MortgageDispute | None = None


@strawberry.input(description="A new licence copy (or seal, or name) of a registered company.")
class MortgageFinanceCompanyUpdateInput:
    credit_code: str
    licence_copy_ref: str
    licence_copy_sha256: str
    seal_sha256: str
    seal_electronic: bool = False
    name: str | None = None


@strawberry.type(description="What an office sees when it checks a vehicle's mortgage online.")
class MortgageVehicleCheck:
    vehicle_id: strawberry.ID
    registration_city: str
    mortgaged: bool
    archive_marks: list[str]
    online_verified: bool = strawberry.field(description="Archive marked 联网核查")
    paper_documents_required: bool = strawberry.field(
        description="False once marked 联网核查: no office may refuse for lack of paper (十-一)"
    )
    rule: str
    filings: list[MortgageFiling]


@strawberry.input(description="The national filing of an auto-finance or finance company.")
class MortgageFinanceCompanyFileInput:
    name: str
    credit_code: str
    kind: CompanyKindEnum  # type: ignore[valid-type]
    city: str = strawberry.field(description="Domicile city on the business licence")
    licence_copy_ref: str
    licence_copy_sha256: str
    seal_sha256: str = strawberry.field(description="SHA-256 of the 公章影印件")
    seal_electronic: bool = False


@strawberry.input(description="A mortgage or release filed online by the lender.")
class MortgageFileInput:
    vin: str
    plate: str
    kind: FilingKindEnum  # type: ignore[valid-type]
    licence_copy_ref: str = strawberry.field(
        description="Reference of the sealed business-licence copy (身份证明)"
    )
    licence_copy_sha256: str
    seal_type: SealTypeEnum = rules.SealType.ELECTRONIC  # type: ignore[valid-type]
    contract_ref: str | None = strawberry.field(
        default=None, description="抵押合同: required for a MORTGAGE (十-二)."
    )
    contract_sha256: str | None = None
    contract_seal_type: SealTypeEnum = rules.SealType.ELECTRONIC  # type: ignore[valid-type]
    entrustment_ref: str | None = strawberry.field(
        default=None,
        description="The owner's written entrustment of the lender (书面委托): required for a "
        "MORTGAGE (十-二).",
    )
    entrustment_sha256: str | None = None
    entrustment_seal_type: SealTypeEnum = rules.SealType.ELECTRONIC  # type: ignore[valid-type]


@strawberry.type
class MortgageFinanceCompanyPayload(Payload):
    company: MortgageFinanceCompany | None = None


@strawberry.type
class MortgageFilePayload(Payload):
    filing: MortgageFiling | None = None
    mortgaged: bool | None = None
    archive_marks: list[str] | None = None


@strawberry.type
class MortgageQuery:
    @operation_field(
        f"{MEASURE}.registry_read",
        "Consult the national registry for a company (null when not filed).",
        qualifier="clerks and supervisors: own city; province admins: own province",
    )
    def mortgage_finance_company(
        self, info: strawberry.Info, credit_code: str, city: str
    ) -> MortgageFinanceCompany | None:
        ctx: Context = info.context
        row = service.lookup_company(ctx, credit_code, city)
        return MortgageFinanceCompany.of(row) if row else None

    @operation_field(
        f"{MEASURE}.party",
        "Mortgage filings on vehicles I owned when filed (I am the mortgagor), newest first.",
        qualifier="own filings",
        own_records=True,
    )
    def my_mortgage_filings(
        self, info: strawberry.Info, first: int = 20, after: str | None = None
    ) -> Connection[MortgageFiling]:
        ctx: Context = info.context
        statement = service.my_filings_query(ctx.require_person())
        return paginate(ctx, statement, first, after, MortgageFiling.of)

    @operation_field(
        f"{MEASURE}.dispute_decide",
        "Owners' disputes of mortgages registered in a city (oldest first).",
        qualifier="own city",
    )
    def mortgage_disputes(
        self,
        info: strawberry.Info,
        city: str,
        status: DisputeStatusEnum | None = None,  # type: ignore[valid-type]
        first: int = 20,
        after: str | None = None,
    ) -> Connection[MortgageDispute]:
        ctx: Context = info.context
        code = lookup_city(city, "city").code
        ctx.require_jurisdiction(code, field="city")
        ctx.require_in_force(MEASURE, code)
        wanted = rules.DisputeStatus(status) if status is not None else None
        return paginate(ctx, service.disputes_query(code, wanted), first, after, MortgageDispute.of)

    @operation_field(
        f"{MEASURE}.vehicle_check",
        "Check a vehicle's mortgage online, e.g. at transfer-in.",
        qualifier="any city where the measure is in force; audited",
    )
    def mortgage_vehicle_check(
        self, info: strawberry.Info, vin: str, plate: str, purpose: str
    ) -> MortgageVehicleCheck:
        ctx: Context = info.context
        vehicle, filings = service.check_vehicle(ctx, vin, plate, purpose)
        marks = list(vehicle.archive_marks or [])
        return MortgageVehicleCheck(
            vehicle_id=strawberry.ID(vehicle.id),
            registration_city=vehicle.registration_city,
            mortgaged=vehicle.mortgaged,
            archive_marks=marks,
            online_verified=rules.ONLINE_MARK in marks,
            paper_documents_required=rules.paper_required(marks, vehicle.mortgaged),
            rule=Rule.NO_RETURN,
            filings=[MortgageFiling.of(f) for f in filings],
        )


@strawberry.type
class MortgageMutation:
    @mutation(
        f"{MEASURE}.registry_file",
        "File an auto-finance or finance company in the national registry.",
    )
    def mortgage_finance_company_file(
        self, info: strawberry.Info, input: MortgageFinanceCompanyFileInput, scope: WriteScope
    ) -> MortgageFinanceCompanyPayload:
        row = service.file_company(
            info.context,
            scope,
            name=input.name,
            credit_code=input.credit_code,
            kind=rules.CompanyKind(input.kind),
            city_code=input.city,
            licence_copy_ref=input.licence_copy_ref,
            licence_copy_sha256=input.licence_copy_sha256,
            seal_sha256=input.seal_sha256,
            seal_electronic=input.seal_electronic,
        )
        return MortgageFinanceCompanyPayload(company=MortgageFinanceCompany.of(row))

    @mutation(
        f"{MEASURE}.file",
        "File a mortgage or its release online (no paper, no main contract).",
        qualifier="scope mortgage:file",
    )
    def mortgage_file(
        self, info: strawberry.Info, input: MortgageFileInput, scope: WriteScope
    ) -> MortgageFilePayload:
        filing, vehicle = service.file_mortgage(
            info.context,
            scope,
            vin=input.vin,
            plate=input.plate,
            kind=rules.FilingKind(input.kind),
            licence_copy_ref=input.licence_copy_ref,
            licence_copy_sha256=input.licence_copy_sha256,
            seal_type=rules.SealType(input.seal_type),
            contract=(
                input.contract_ref,
                input.contract_sha256,
                rules.SealType(input.contract_seal_type),
            ),
            entrustment=(
                input.entrustment_ref,
                input.entrustment_sha256,
                rules.SealType(input.entrustment_seal_type),
            ),
        )
        return MortgageFilePayload(
            filing=MortgageFiling.of(filing),
            mortgaged=vehicle.mortgaged,
            archive_marks=list(vehicle.archive_marks),
        )

    @mutation(
        f"{MEASURE}.registry_file",
        "Record a company's new licence copy, seal or name in the national registry (十-三).",
    )
    def mortgage_finance_company_update(
        self, info: strawberry.Info, input: MortgageFinanceCompanyUpdateInput, scope: WriteScope
    ) -> MortgageFinanceCompanyPayload:
        # the input's fields are the service's keyword arguments, name for name
        row = service.update_company(info.context, scope, **vars(input))
        return MortgageFinanceCompanyPayload(company=MortgageFinanceCompany.of(row))

    @mutation(
        f"{MEASURE}.registry_file",
        "Deactivate (reason required) or reactivate a company of the national registry (十-三).",
    )
    def mortgage_finance_company_set_active(
        self,
        info: strawberry.Info,
        credit_code: str,
        active: bool,
        scope: WriteScope,
        reason: str | None = None,
    ) -> MortgageFinanceCompanyPayload:
        row = service.set_company_active(info.context, scope, credit_code, active, reason)
        return MortgageFinanceCompanyPayload(company=MortgageFinanceCompany.of(row))

    @mutation(
        f"{MEASURE}.party",
        "Dispute a mortgage filed on my vehicle; the lender is told, the office decides.",
        qualifier="the owner of record (a unit's legal person or admin)",
    )
    def mortgage_dispute_raise(
        self, info: strawberry.Info, filing_id: strawberry.ID, reason: str, scope: WriteScope
    ) -> MortgageDisputePayload:
        row = service.raise_dispute(info.context, scope, str(filing_id), reason)
        return MortgageDisputePayload(dispute=MortgageDispute.of(row))

    @mutation(
        f"{MEASURE}.party", "Withdraw my open dispute.", qualifier="who raised it", way_out=True
    )
    def mortgage_dispute_withdraw(
        self, info: strawberry.Info, dispute_id: strawberry.ID, scope: WriteScope
    ) -> MortgageDisputePayload:
        row = service.withdraw_dispute(info.context, scope, str(dispute_id))
        return MortgageDisputePayload(dispute=MortgageDispute.of(row))

    @mutation(
        f"{MEASURE}.dispute_decide",
        "Decide an owner's dispute with a note: upheld strikes the mortgage off.",
        qualifier="the registration city",
        way_out=True,
    )
    def mortgage_dispute_decide(
        self,
        info: strawberry.Info,
        dispute_id: strawberry.ID,
        upheld: bool,
        note: str,
        scope: WriteScope,
    ) -> MortgageDisputePayload:
        row = service.decide_dispute(info.context, scope, str(dispute_id), upheld, note)
        return MortgageDisputePayload(dispute=MortgageDispute.of(row))
