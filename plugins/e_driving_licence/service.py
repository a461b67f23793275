"""M01 operations: apply, review and issue, show (rotating QR payloads), share codes, seizure,
local versions. Online verification is in verification.py (the hot path)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as core_select
from sqlalchemy.engine import Row
from sqlmodel import select

from core.accounts import PartnerOrg, Person, Role
from core.context import Context, WriteScope
from core.db import stamp
from core.documents import credentials as cred
from core.documents import issuing
from core.errors import Code, Forbidden, NotFound, RuleError
from core.identifiers import parse_licence_file_number, parse_sha256
from core.ids import lookup_id
from core.registries import applications as apps
from core.registries import caller
from core.registries.licences import DrivingLicence, LicenceStatus
from core.registries.ownership import load_own
from core.validation import require_range, require_text

from . import rules
from .errors import EDrivingLicenceErrorCode
from .models import EdlConsent

KIND = "DL"
PREFIX = "DL1:"
BUSINESS = "E_DRIVING_LICENCE_ISSUE"
ISSUER = issuing.Issuer(
    measure=rules.MEASURE,
    kind=KIND,
    business=BUSINESS,
    subject=DrivingLicence,
    link="licence_id",
    holder="person_id",
    what="Licence",
    note_required=EDrivingLicenceErrorCode.NOTE_REQUIRED,
    already_issued=EDrivingLicenceErrorCode.ALREADY_ISSUED,
    pending=EDrivingLicenceErrorCode.PENDING_APPLICATION,
    review_rule=rules.R_PHOTO,
    submit_rule=rules.R_ONE_LICENCE,
)


def apply(ctx: Context, scope: WriteScope, licence_id: str, photo_sha256: str) -> apps.Application:
    """A real-person-verified holder applies for the e-licence of their licence (2021-一-三-1)."""
    session = scope.session
    photo = parse_sha256(photo_sha256, "photoSha256")
    licence = load_own(
        ctx, session, DrivingLicence, licence_id, "person_id", "Licence", "licenceId"
    )
    ctx.require_in_force(rules.MEASURE, licence.issuing_city, field="licenceId")
    person = session.get(Person, licence.person_id)
    rules.require_real_person(person.real_person_verified_at if person else None)
    rules.require_issuable(licence.status, licence.valid_until, licence.points, ctx.today())
    return ISSUER.submit(
        ctx, scope, licence, licence.issuing_city, field="licenceId",
        messages=("Your e-licence is already issued.", "An application is already under review."),
        data={"photoSha256": photo}, office_id=licence.issuing_office_id,
    )  # fmt: skip


def review(
    ctx: Context, scope: WriteScope, application_id: str, approve: bool, note: str | None
) -> tuple[apps.Application, cred.IssuedCredential | None, DrivingLicence | None]:
    """A clerk of the licence's city reviews the photo; approval issues the unified e-licence.
    Returns the application, and on approval the credential and its licence."""
    app, licence, credential = ISSUER.review(
        ctx, scope, application_id, approve, note,
        check=lambda lic: rules.require_issuable(
            lic.status, lic.valid_until, lic.points, ctx.today()
        ),
        issued_message="The e-licence is already issued.",
    )  # fmt: skip
    if credential is not None:
        ctx.notify(
            scope.session, licence.person_id, f"{rules.MEASURE}.issued", {}, measure=rules.MEASURE
        )
    return app, credential, licence


_credentials = cred.IssuedCredential.__table__  # type: ignore[attr-defined]
LIVE_CREDENTIAL = core_select(_credentials).where(
    _credentials.c.kind == KIND,
    _credentials.c.holder_person_id == bindparam("person_id"),
    _credentials.c.revoked_at.is_(None),
)


def my_credential(ctx: Context) -> tuple[Row[Any], Row[Any]]:
    """The caller's live e-licence (credential row) and its licence, live from the registry.

    Read once per request (`myEDrivingLicence` and `eDrivingLicenceShow` of one home screen share
    it; the licence comes from the caller's licences, core/registries/caller.py). The checks run
    on every call: EDL_NOT_ISSUED without a live credential (`rules.R_APP`), FEATURE_NOT_ENABLED
    where the licence's city does not have the measure in force."""
    person_id = ctx.require_person()
    credential = ctx.cached(
        (f"{rules.MEASURE}.credential", person_id),
        lambda: caller.first(ctx, LIVE_CREDENTIAL, person_id=person_id),
    )
    if credential is None:
        raise RuleError(
            EDrivingLicenceErrorCode.NOT_ISSUED,
            "You have no e-licence yet: apply first.",
        )
    licence = caller.licence(ctx, credential.subject_id)
    if licence is None:  # pragma: no cover - a credential is issued for the holder's own licence
        raise NotFound("Licence")
    ctx.require_in_force(rules.MEASURE, licence.issuing_city)
    return credential, licence


def show(ctx: Context, count: int) -> list[tuple[str, int, int]]:
    """A batch of short-window signed payloads (text, iat, exp): the QR rotates while offline."""
    credential, licence = my_credential(ctx)
    code, _ = rules.live_status(licence.status, licence.valid_until, licence.points, ctx.today())
    classes = cred.classes_to_mask(licence.classes)
    return [
        (
            issuing.sign_presentation(
                ctx.platform.keys, PREFIX, credential, iat=iat, exp=exp,
                classes=classes, status=code, valid_until=licence.valid_until,
            ),
            iat,
            exp,
        )
        for iat, exp in rules.windows(ctx.now(), count)
    ]  # fmt: skip


def share_create(
    ctx: Context, scope: WriteScope, claims: list[str], minutes: int, partner_org_id: str | None
) -> EdlConsent:
    """The holder consents to show more claims to a partner once (a share code)."""
    require_range("minutes", minutes, 1, 1440)
    if not claims:
        raise RuleError(Code.INVALID_INPUT, "Name one or more claims.", field="claims")
    if len(claims) > len(rules.CLAIMS):
        raise RuleError(
            Code.INVALID_INPUT,
            f"At most {len(rules.CLAIMS)} claims (each of them once).",
            field="claims",
        )
    for name in claims:
        if name not in rules.CLAIMS:
            raise RuleError(Code.INVALID_INPUT, f"Unknown claim {name[:30]!r}.", field="claims")
    org_id = lookup_id(partner_org_id) if partner_org_id else None
    if org_id is not None and ctx.session.get(PartnerOrg, org_id) is None:
        raise RuleError(
            Code.NOT_FOUND, "No partner organisation has this id.", field="partnerOrgId"
        )
    credential, licence = my_credential(ctx)
    now = ctx.now()
    consent = EdlConsent(
        code=secrets.token_hex(5).upper(),
        holder_person_id=licence.person_id,
        handle=credential.handle,
        claims=sorted(set(claims)),
        partner_org_id=org_id,
        created_at=stamp(now),
        expires_at=stamp(now + dt.timedelta(minutes=minutes)),
    )
    scope.session.add(consent)
    scope.subject(licence.person_id, f"EdlConsent:{consent.id}", claims=consent.claims)
    return consent


def seize(
    ctx: Context, scope: WriteScope, file_number: str, presented: str, city: str, reason: str
) -> DrivingLicence:
    """A road officer seizes (扣留) a licence: only on the paper licence (2021-一-五-1)."""
    from core.divisions import city as lookup_city

    number = parse_licence_file_number(file_number)
    text = require_text("reason", reason, 200, multiline=True)
    place = lookup_city(city, "city").code
    ctx.require_jurisdiction(place, field="city")
    if Role.ROAD_OFFICER not in ctx.actor.roles:
        raise Forbidden()
    rules.require_paper_for_seizure(presented)
    licence = scope.session.exec(
        select(DrivingLicence).where(DrivingLicence.file_number == number)
    ).first()
    if licence is None:
        raise NotFound("Licence", "fileNumber")
    now = ctx.now()
    licence.status = LicenceStatus.SEIZED.value
    licence.status_changed_at = stamp(now)
    licence.remarks = [*licence.remarks, f"{now.date().isoformat()} 扣留 ({place}): {text}"[:200]]
    licence.updated_at = stamp(now)
    scope.session.add(licence)
    scope.subject(licence.person_id, f"DrivingLicence:{licence.id}")
    return licence
