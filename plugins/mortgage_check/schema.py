"""GraphQL types and operations of M10 (names prefixed `Mortgage` / `mortgage`)."""

from __future__ import annotations

import datetime as dt

import strawberry

from core.clock import to_china
from core.context import Context, WriteScope
from core.graphql.operations import Payload, mutation, operation_field

from . import rules, service
from .models import MortgageFilingRow, MortgageFinanceCompanyRow
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

    @classmethod
    def of(cls, row: MortgageFinanceCompanyRow) -> MortgageFinanceCompany:
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            credit_code=row.credit_code,
            kind=rules.CompanyKind(row.kind),
            city=row.city_code,
            licence_copy_ref=row.licence_copy_ref,
            licence_copy_sha256=row.licence_copy_sha256,
            seal_sha256=row.seal_sha256,
            seal_electronic=row.seal_electronic,
            filed_at=to_china(row.filed_at),
        )


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

    @classmethod
    def of(cls, row: MortgageFilingRow) -> MortgageFiling:
        return cls(
            id=strawberry.ID(row.id),
            kind=rules.FilingKind(row.kind),
            lender_name=row.lender_name,
            lender_kind=rules.LenderKind(row.lender_kind),
            licence_copy_ref=row.licence_copy_ref,
            licence_copy_sha256=row.licence_copy_sha256,
            seal_type=rules.SealType(row.seal_type),
            active=row.active,
            filed_at=to_china(row.filed_at),
        )


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
        )
        return MortgageFilePayload(
            filing=MortgageFiling.of(filing),
            mortgaged=vehicle.mortgaged,
            archive_marks=list(vehicle.archive_marks),
        )
