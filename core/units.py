"""Who acts for a unit (单位): its active members, and its managers (legal person 法人 or admin
管理员). Shared by the measures with unit business (M09 unit entrustments, M14 unit motorcycles,
M20 unit accounts) and by the core's lists (myApplications): one place for "is this person the
unit's legal person or an admin", and for the web rule of 2024 八-二 (unit business on the web only
after the app's QR sign-in, bound to one unit).

Source: 《8项公安交管便民利企改革新措施实施细则》(2024) 八-二 “单位用户账号分为法人、管理员和普通用户
三类……单位法人、管理员可以通过“交管12123”APP新增、删除本单位的普通用户……互联网服务平台网页版将取消
单位用户账号、密码登录方式，统一通过“交管12123”APP扫码登录”.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlmodel import Session, select

from core.accounts import Unit, UnitMember, UnitRole
from core.errors import NotFound, RuleError
from core.ids import lookup_id

ACTIVE = "ACTIVE"
MANAGER_ROLES = (UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value)
RULE_MANAGER = (
    "M20 2024-八-二: 单位用户账号分为法人、管理员和普通用户三类；单位法人、管理员管理本单位"
)
RULE_QR = "M20 2024-八-二: 网页版取消账号、密码登录方式，统一通过APP扫码登录"
CHANNEL_HEADER = "x-client-channel"  # sent by the web platform: WEB (the app sends none or APP)
WEB_SESSION_CLAIM = "uws"  # the unit a QR web sign-in (M20 unitQrLoginRedeem) was approved for

# the typed refusals (M20's codes, declared in plugins/unit_accounts/errors.py and its README)
UNIT_ROLE_REQUIRED = "UNIT_ROLE_REQUIRED"
WEB_QR_REQUIRED = "UNIT_WEB_QR_REQUIRED"
WEB_SESSION_OTHER_UNIT = "UNIT_WEB_SESSION_OTHER_UNIT"


def active_unit_ids(person_id: str) -> Any:
    """SELECT of the units `person_id` is an active member of (any role)."""
    return select(UnitMember.unit_id).where(
        UnitMember.person_id == person_id, UnitMember.status == ACTIVE
    )


def managed_unit_ids(person_id: str) -> Any:
    """SELECT of the units `person_id` is the active legal person or an admin of."""
    return active_unit_ids(person_id).where(UnitMember.role.in_(MANAGER_ROLES))  # type: ignore[attr-defined]


def active_membership(session: Session, unit_id: str, person_id: str) -> UnitMember | None:
    """The person's active membership of the unit, if any."""
    return session.exec(
        select(UnitMember).where(
            UnitMember.unit_id == unit_id,
            UnitMember.person_id == person_id,
            UnitMember.status == ACTIVE,
        )
    ).first()


def application_unit_clause(application: Any, person_id: str) -> Any:
    """WHERE clause over `application` (the core Application table) for myApplications: an
    application made for a unit (data.unitId) is seen only while the person is an active member
    of it; the unit's current managers see all of the unit's applications. Returns (the filter
    on the caller's own rows, the condition of the rows they see as a manager)."""
    unit_id = application.data["unitId"].as_string()
    own = or_(unit_id.is_(None), unit_id.in_(active_unit_ids(person_id)))
    managed = unit_id.in_(managed_unit_ids(person_id))
    return own, managed


def web_session(ctx: Any) -> tuple[bool, str | None]:
    """(the request comes from the web platform, the unit its QR sign-in is bound to).

    The web platform sends `x-client-channel: WEB`; a token from the QR sign-in carries the unit
    in the `uws` claim (and is a web session by itself)."""
    request = getattr(ctx, "request", None)
    channel = request.headers.get(CHANNEL_HEADER, "") if request is not None else ""
    header = request.headers.get("authorization", "") if request is not None else ""
    scheme, _, token = header.partition(" ")
    claims = (
        ctx.platform.tokens.verify(token.strip())
        if scheme.lower() == "bearer" and token.strip()
        else {}
    )
    bound = claims.get(WEB_SESSION_CLAIM)
    return channel.strip().upper() == "WEB" or bound is not None, bound


def _web_qr_required(field: str) -> RuleError:
    return RuleError(
        WEB_QR_REQUIRED,
        "On the web, unit business is reached only by scanning the sign-in QR code with the app, "
        "not with a password.",
        field=field,
        rule=RULE_QR,
    )


def _other_unit(field: str) -> RuleError:
    return RuleError(
        WEB_SESSION_OTHER_UNIT,
        "This web sign-in was approved for another unit: sign in again for this one.",
        field=field,
        rule=RULE_QR,
    )


def require_web_rule(ctx: Any, unit_id: str | None, field: str = "unitId") -> None:
    """2024 八-二: on the web, unit business only through the app's QR sign-in (a password web
    session: UNIT_WEB_QR_REQUIRED) and, given `unit_id`, only for the unit that sign-in was
    approved for (UNIT_WEB_SESSION_OTHER_UNIT). From the app: nothing to check."""
    on_web, bound = web_session(ctx)
    if on_web and bound is None:
        raise _web_qr_required(field)
    if bound is not None and unit_id is not None and bound != unit_id:
        raise _other_unit(field)


def require_unit_member(
    session: Session, person_id: str, unit_id: str, field: str = "unitId", *, ctx: Any = None
) -> tuple[Unit, UnitMember]:
    """The unit and the person's active membership of it (any role).

    Errors, in this order: given the request's `ctx`, the web rule of 八-二 (a web request with a
    password token: UNIT_WEB_QR_REQUIRED); NOT_FOUND (field) for an unknown unit or a person who
    is not an active member (unit ids cannot be probed); a QR web session approved for another
    unit: UNIT_WEB_SESSION_OTHER_UNIT. From the app there is no web rule to apply."""
    on_web, bound = web_session(ctx) if ctx is not None else (False, None)
    if on_web and bound is None:
        raise _web_qr_required(field)
    key = lookup_id(unit_id) if unit_id else ""
    unit = session.get(Unit, key) if key else None
    member = active_membership(session, unit.id, person_id) if unit is not None else None
    if unit is None or member is None:
        raise NotFound("Unit", field)
    if bound is not None and bound != unit.id:
        raise _other_unit(field)
    return unit, member


def require_manager_role(
    role: str,
    field: str = "unitId",
    *,
    code: str = UNIT_ROLE_REQUIRED,
    rule: str = RULE_MANAGER,
    what: str = "act for the unit",
) -> None:
    """`code` (the measure's own typed code; UNIT_ROLE_REQUIRED by default) unless `role` (a
    member's unit role) is the legal person's or an admin's (八-二: they act for the unit online)."""
    if role not in MANAGER_ROLES:
        raise RuleError(
            code, f"Only the unit's legal person or an admin may {what}.", field=field, rule=rule
        )


def require_unit_manager(
    session: Session,
    person_id: str,
    unit_id: str,
    field: str = "unitId",
    *,
    ctx: Any = None,
    code: str = UNIT_ROLE_REQUIRED,
    rule: str = RULE_MANAGER,
    what: str = "act for the unit",
) -> tuple[Unit, UnitMember]:
    """The unit and the person's active membership as its legal person or an admin: the checks
    of `require_unit_member` (with the web rule when `ctx` is given), then `require_manager_role`
    (a plain user: `code` naming `field` and `rule`)."""
    unit, member = require_unit_member(session, person_id, unit_id, field, ctx=ctx)
    require_manager_role(member.role, field, code=code, rule=rule, what=what)
    return unit, member


def is_unit_manager(session: Session, person_id: str, unit_id: str) -> bool:
    """Whether `person_id` is now an active legal person or admin of the unit."""
    member = active_membership(session, unit_id, person_id)
    return member is not None and member.role in MANAGER_ROLES
