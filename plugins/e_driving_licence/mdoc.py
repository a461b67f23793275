"""The e-driving licence as an ISO/IEC 18013-5 mdoc (issue 18, item 2): beside the DL1 QR, the
holder's app obtains the licence as an mDL (doctype org.iso.18013.5.1.mDL, namespace
org.iso.18013.5.1) bound to a device key it generated, signed by the document signer under the
published IACA root (core/documents/certificates.py), valid for MDOC_VALIDITY, with the status
reference of the holder's e-licence (the same status-list entry as the DL1 QR's claim 3).

Element mapping (docs/partners.md, "The e-licence as an mdoc"):
  family_name, given_name   Person.name split after the surname (COMPOUND_SURNAMES: two characters)
  birth_date                Person.birth_date (omitted when the registry has none)
  issue_date, expiry_date   DrivingLicence.valid_from, .valid_until (the current card's dates)
  issuing_country           "CN"; un_distinguishing_sign "CN"
  issuing_authority         the issuing office's name, else "<city>公安局交通管理局车辆管理所"
  document_number           DrivingLicence.file_number (档案编号; never the ID number)
  driving_privileges        one per ISO category of the licence's classes (CLASS_TO_ISO), with
                            the first-issue date, the expiry date and the national classes as
                            codes ("CN-C1"); class M has no ISO category and is not carried
  portrait                  omitted (the registry photo stays with the platform)

Refusals: EDL_NOT_ISSUED without an e-licence, FEATURE_NOT_ENABLED where the licence's city does
not have the measure in force, EDL_LICENCE_NOT_ISSUABLE when the licence is not valid today (the
mdoc states no status at signing, so none is issued for a suspended or invalid licence),
INVALID_INPUT for a device key that is not a P-256 public JWK.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import cbor2
import strawberry

from core.clock import to_china
from core.context import Context, WriteScope
from core.divisions import city
from core.documents import certificates
from core.documents import mdoc as iso
from core.documents import status_list as sl
from core.errors import Code, RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.registries import caller

from . import rules, service
from .errors import EDrivingLicenceErrorCode
from .rules import MEASURE

MDOC_VALIDITY = dt.timedelta(days=3)  # short: the app fetches a new one while online
MAX_DEVICE_KEY = 1000  # characters of the JWK text
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "令狐",
        "夏侯",
        "端木",
        "轩辕",
        "独孤",
        "南宫",
        "西门",
        "百里",
    ]
)
# the national classes (GA 1026 / 准驾车型) -> the vehicle categories of ISO/IEC 18013-5 (the
# platform's equivalence by vehicle kind and mass; the exact class travels as a code "CN-<class>")
CLASS_TO_ISO = {
    "A1": "D", "A2": "CE", "A3": "D", "B1": "D1", "B2": "C", "C1": "B", "C2": "B", "C3": "B",
    "C4": "B1", "C5": "B", "C6": "BE", "D": "A", "E": "A", "F": "AM", "N": "D", "P": "D",
}  # fmt: skip


def split_name(name: str) -> tuple[str, str]:
    """(family name, given name) of a Chinese full name: the surname is its first character, or
    its first two for a compound surname (欧阳 ...)."""
    cut = 2 if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def driving_privileges(classes: str, first_issue: dt.date, until: dt.date) -> list[dict]:
    """One DrivingPrivilege per ISO category the licence's classes map to (table order)."""
    by_category: dict[str, list[str]] = {}
    for name in classes.split():
        if name in CLASS_TO_ISO:
            by_category.setdefault(CLASS_TO_ISO[name], []).append(name)
    return [
        {
            "vehicle_category_code": category,
            "issue_date": iso.full_date(first_issue),
            "expiry_date": iso.full_date(until),
            "codes": [{"code": f"CN-{name}"} for name in names],
        }
        for category, names in by_category.items()
    ]


def elements(ctx: Context, licence: Any, person: Any) -> dict[str, Any]:
    """The mDL data elements of `licence` and its holder (see the module docstring)."""
    family, given = split_name(person.name)
    office = caller.office_name(ctx, licence.issuing_office_id)
    authority = office or f"{city(licence.issuing_city).name}公安局交通管理局车辆管理所"
    out: dict[str, Any] = {"family_name": family, "given_name": given}
    if person.birth_date is not None:
        out["birth_date"] = iso.full_date(person.birth_date)
    out.update(
        {
            "issue_date": iso.full_date(licence.valid_from),
            "expiry_date": iso.full_date(licence.valid_until),
            "issuing_country": "CN",
            "issuing_authority": authority,
            "document_number": licence.file_number,
            "driving_privileges": driving_privileges(
                licence.classes, licence.first_issue_date, licence.valid_until
            ),
            "un_distinguishing_sign": "CN",
        }
    )
    return out


def _device_key(text: str) -> dict[int, Any]:
    if not isinstance(text, str) or not text:
        raise RuleError(Code.INVALID_INPUT, "`deviceKey` is required.", field="deviceKey")
    if len(text) > MAX_DEVICE_KEY:
        raise RuleError(
            Code.TOO_LONG, f"`deviceKey` is longer than {MAX_DEVICE_KEY}.", field="deviceKey"
        )
    try:
        return iso.device_key_from_jwk(json.loads(text))
    except ValueError as exc:
        raise RuleError(
            Code.INVALID_INPUT,
            f"`deviceKey` is not a P-256 public key in JWK form ({exc}).",
            field="deviceKey",
        ) from exc


def issue(ctx: Context, scope: WriteScope, device_key: str) -> tuple[dict[str, Any], dt.datetime]:
    """The caller's licence as an mdoc Document bound to `device_key`, and its expiry."""
    key = _device_key(device_key)
    credential, licence = service.my_credential(ctx)
    code, reasons = rules.live_status(
        licence.status, licence.valid_until, licence.points, ctx.today()
    )
    if code != rules.VALID:
        raise RuleError(
            EDrivingLicenceErrorCode.LICENCE_NOT_ISSUABLE,
            f"The licence is not valid today ({', '.join(reasons)}): no mdoc is issued.",
        )
    person = caller.person(ctx)
    now = ctx.now()
    end_of_licence = dt.datetime.combine(licence.valid_until, dt.time(23, 59, 59), now.tzinfo)
    until = min(now + MDOC_VALIDITY, end_of_licence)
    signer, certificate = certificates.document_signer(ctx.platform.keys, now, until)
    document = iso.issue(
        iso.DOCTYPE_MDL,
        {iso.NAMESPACE_MDL: elements(ctx, licence, person)},
        key,
        signer,
        certificate,
        now,
        until,
        status={
            "status_list": {"idx": credential.list_index, "uri": sl.list_uri(credential.list_id)}
        },
    )
    scope.subject(licence.person_id, f"EDrivingLicence:{credential.handle}", format="mdoc")
    return document, until


@strawberry.type(description="The e-driving licence as an ISO/IEC 18013-5 mdoc.")
class EDrivingLicenceMdoc:
    doc_type: str
    document: str = strawberry.field(
        description="The Document {docType, issuerSigned} as CBOR, base64url without padding; "
        "the app keeps it and presents any subset of its elements."
    )
    elements: list[str] = strawberry.field(description="The data elements it carries.")
    valid_from: dt.datetime
    valid_until: dt.datetime


@strawberry.input
class EDrivingLicenceMdocIssueInput:
    device_key: str = strawberry.field(
        description="The app's device public key as a JWK (JSON text): kty EC, crv P-256, x, y."
    )


@strawberry.type
class EDrivingLicenceMdocIssuePayload(Payload):
    mdoc: EDrivingLicenceMdoc | None = None


@strawberry.type
class EDrivingLicenceMdocQuery:
    @operation_field(
        f"{MEASURE}.status_list",
        "The issuing-authority (IACA) root certificate mdoc readers trust, PEM.",
    )
    def e_driving_licence_mdoc_iaca_root(self, info: strawberry.Info) -> str:
        ctx: Context = info.context
        return certificates.pem(certificates.iaca_certificate(ctx.platform.keys))


@strawberry.type
class EDrivingLicenceMdocMutation:
    @mutation(
        f"{MEASURE}.mdoc",
        "Your e-licence as an ISO/IEC 18013-5 mdoc bound to your app's device key.",
        qualifier="own; licence city in force",
    )
    def e_driving_licence_mdoc_issue(
        self, info: strawberry.Info, input: EDrivingLicenceMdocIssueInput, scope: WriteScope
    ) -> EDrivingLicenceMdocIssuePayload:
        ctx: Context = info.context
        document, until = issue(ctx, scope, input.device_key)
        raw = cbor2.dumps(document)
        names = list(elements_of(document))
        return EDrivingLicenceMdocIssuePayload(
            mdoc=EDrivingLicenceMdoc(
                doc_type=document["docType"],
                document=base64.urlsafe_b64encode(raw).rstrip(b"=").decode(),
                elements=names,
                valid_from=to_china(ctx.now()),
                valid_until=to_china(until),
            )
        )


def elements_of(document: dict[str, Any]) -> list[str]:
    """The element identifiers a Document carries, in order."""
    out = []
    for items in document["issuerSigned"]["nameSpaces"].values():
        for tagged in items:
            out.append(cbor2.loads(tagged.value)["elementIdentifier"])
    return out
