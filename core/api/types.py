"""GraphQL types for the core registries. Plugins reuse them (`from core.api.types import ...`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy.engine import Row

from core.accounts import Person as PersonRow
from core.accounts import Role
from core.api.audit import AuditInclusion, inclusion_loader
from core.applications_types import ApplicationStatus
from core.audit import AuditEvent as AuditEventRow
from core.audit import entry_bytes
from core.clock import to_china
from core.graphql.scalars import BigInt
from core.identity import DocumentType, mask_id_number
from core.registries.applications import Application as ApplicationRow
from core.registries.licences import DrivingLicence as LicenceRow
from core.registries.licences import LicenceStatus
from core.registries.vehicles import Vehicle as VehicleRow
from core.registries.vehicles import VehicleCategory, VehicleStatus, VehicleUse

LicenceStatusEnum = strawberry.enum(LicenceStatus, name="LicenceStatus", description="驾驶证状态")
VehicleCategoryEnum = strawberry.enum(VehicleCategory, name="VehicleCategory")
VehicleUseEnum = strawberry.enum(VehicleUse, name="VehicleUse", description="使用性质")
VehicleStatusEnum = strawberry.enum(VehicleStatus, name="VehicleStatus")
RoleEnum = strawberry.enum(Role, name="Role")
IdTypeEnum = strawberry.enum(
    DocumentType, name="IdType", description="身份证明类型: the kind of identity document."
)

# Roles that may see a full ID number of someone else (the reveal is audited).
ID_REVEAL_ROLES = (
    Role.CLERK,
    Role.SUPERVISOR,
    Role.ROAD_OFFICER,
    Role.ACCIDENT_OFFICER,
    Role.INSPECTOR,
)


@strawberry.type(description="A natural person. The ID number is masked unless you may see it.")
class Person:
    id: strawberry.ID
    name: str
    id_type: str
    birth_date: dt.date | None
    _row: strawberry.Private[Any]

    @strawberry.field(
        description="ID number, masked (110101********1234). `unmasked: true` is honoured for the "
        "person themself and for clerks, officers and inspectors; their reveal is audited."
    )
    def id_number(self, info: strawberry.Info, unmasked: bool = False) -> str:
        row = self._row
        ctx = info.context
        if unmasked:
            if ctx.actor.person_id == row.id:
                return row.id_number
            if ctx.has_role(*ID_REVEAL_ROLES):
                ctx.audit_read("core.id_number_reveal", row.id, f"Person:{row.id}")
                return row.id_number
        return mask_id_number(row.id_number) or ""

    @classmethod
    def of(cls, row: PersonRow | Row[Any]) -> Person:
        """From a person: an ORM object or a Core row (core/registries/caller.py)."""
        return cls(
            id=strawberry.ID(row.id),
            name=row.name,
            id_type=row.id_type,
            birth_date=row.birth_date,
            _row=row,
        )


@strawberry.type(description="A driving licence (机动车驾驶证) as recorded now.")
class DrivingLicence:
    id: strawberry.ID
    file_number: str = strawberry.field(description="档案编号")
    classes: list[str] = strawberry.field(description="准驾车型")
    first_issue_date: dt.date = strawberry.field(description="初次领证日期")
    valid_from: dt.date
    valid_until: dt.date
    status: LicenceStatusEnum  # type: ignore[valid-type]
    status_label: str = strawberry.field(
        description="Status in Chinese, as printed (正常, 注销...)"
    )
    points: int = strawberry.field(description="Points in the current scoring cycle (记分)")
    issuing_city: str
    remarks: list[str]

    @classmethod
    def of(cls, row: LicenceRow | Row[Any]) -> DrivingLicence:
        """From a licence: an ORM object or a Core row (core/registries/caller.py)."""
        status = LicenceStatus(row.status)
        return cls(
            id=strawberry.ID(row.id),
            file_number=row.file_number,
            classes=row.classes.split(),
            first_issue_date=row.first_issue_date,
            valid_from=row.valid_from,
            valid_until=row.valid_until,
            status=status,
            status_label=status.label_zh,
            points=row.points,
            issuing_city=row.issuing_city,
            remarks=list(row.remarks or []),
        )


@strawberry.type(description="A registered motor vehicle.")
class Vehicle:
    id: strawberry.ID
    vin: str
    plate: str | None
    vehicle_type: str = strawberry.field(description="GA 802 type code, e.g. K33")
    category: VehicleCategoryEnum  # type: ignore[valid-type]
    use: VehicleUseEnum  # type: ignore[valid-type]
    registration_city: str
    status: VehicleStatusEnum  # type: ignore[valid-type]
    mortgaged: bool
    inspection_valid_until: dt.date | None
    scrap_deadline: dt.date | None
    archive_marks: list[str]

    @classmethod
    def of(cls, row: VehicleRow | Row[Any]) -> Vehicle:
        """From a vehicle: an ORM object or a Core row (core/registries/caller.py)."""
        return cls(
            id=strawberry.ID(row.id),
            vin=row.vin,
            plate=row.plate,
            vehicle_type=row.vehicle_type,
            category=VehicleCategory(row.category),
            use=VehicleUse(row.use),
            registration_city=row.registration_city,
            status=VehicleStatus(row.status),
            mortgaged=row.mortgaged,
            inspection_valid_until=row.inspection_valid_until,
            scrap_deadline=row.scrap_deadline,
            archive_marks=list(row.archive_marks or []),
        )


@strawberry.type(description="A business application (业务) and where it stands.")
class Application:
    id: strawberry.ID
    measure: str
    business: str
    status: ApplicationStatus  # type: ignore[valid-type]
    city: str
    channel: str
    submitted_at: dt.datetime
    updated_at: dt.datetime
    decision_note: str | None

    @classmethod
    def of(cls, row: ApplicationRow) -> Application:
        from core.registries.applications import AppStatus

        return cls(
            id=strawberry.ID(row.id),
            measure=row.measure,
            business=row.business,
            status=AppStatus(row.status),
            city=row.city_code,
            channel=row.channel,
            submitted_at=to_china(row.submitted_at),
            updated_at=to_china(row.updated_at),
            decision_note=row.decision_note,
        )


@strawberry.type(description="One audit event: who did or looked at what, when, with what outcome.")
class AuditEvent:
    seq: BigInt
    uid: strawberry.ID
    log_id: str = strawberry.field(description="The log it is in: a province code or 'national'.")
    at: dt.datetime
    action: str
    measure: str | None
    actor_kind: str
    actor_role: str | None
    jurisdiction: str | None
    outcome: str
    subject_ref: str | None
    purpose: str | None
    entry: str = strawberry.field(
        description="The logged entry (canonical JSON); its leaf hash is SHA-256(0x00 ‖ UTF-8 "
        "bytes of this text)."
    )

    @strawberry.field(
        description="Proof that this event is in its log, against the newest signed tree head; "
        "null for about a second after the event, until the sequencer integrates it."
    )
    async def inclusion(self, info: strawberry.Info) -> AuditInclusion | None:
        return await inclusion_loader(info.context).load(self.seq)

    @classmethod
    def of(cls, row: AuditEventRow) -> AuditEvent:
        return cls(
            seq=row.seq or 0,
            uid=strawberry.ID(row.uid),
            log_id=row.log_id,
            at=to_china(row.at),
            action=row.action,
            measure=row.measure,
            actor_kind=row.actor_kind,
            actor_role=row.actor_role,
            jurisdiction=row.jurisdiction,
            outcome=row.outcome,
            subject_ref=row.subject_ref,
            purpose=(row.detail or {}).get("purpose"),
            entry=entry_bytes(row).decode(),
        )
