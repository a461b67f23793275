"""Membership operations (八-二, 八-三): window registration of the legal person and admins,
online adding and removing of users, the window's 补换领牌证 grant."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from core.accounts import Unit, UnitMember, UnitRole
from core.context import Context, WriteScope
from core.db import stamp
from core.errors import NotFound, RuleError

from . import rules
from .access import (
    ACTIVE,
    load_unit,
    membership,
    person_with_account,
    require_member,
    require_window_clerk,
    unit_by_credit_code,
)
from .errors import UnitAccountErrorCode
from .models import UnitFile
from .rules import MEASURE

REMOVED = "REMOVED"


def _count_unit(session: Session, unit_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(UnitMember)
        .where(UnitMember.unit_id == unit_id, UnitMember.status == ACTIVE)
    ).one()


def _count_person_units(session: Session, person_id: str) -> int:
    return session.exec(
        select(func.count())
        .select_from(UnitMember)
        .where(
            UnitMember.person_id == person_id,
            UnitMember.status == ACTIVE,
            UnitMember.role != UnitRole.LEGAL_PERSON.value,
        )
    ).one()


def _new_member(scope: WriteScope, unit: Unit, person_id: str, role: UnitRole) -> UnitMember:
    member = UnitMember(
        unit_id=unit.id,
        person_id=person_id,
        role=role.value,
        status=ACTIVE,
        can_replace_plates=False,
        registered_at=stamp(scope.now),
    )
    scope.session.add(member)
    scope.session.flush()
    return member


def register_manager(
    ctx: Context,
    scope: WriteScope,
    credit_code: str,
    role: UnitRole,
    id_type: str,
    id_number: str,
) -> UnitMember:
    """A clerk registers (or changes) the unit's legal person or an admin at the window (八-二).

    A new legal person replaces the previous one (whose membership is REMOVED) and becomes the
    unit's filed legal person. An existing user promoted to admin keeps their membership row.
    """
    session = scope.session
    unit = unit_by_credit_code(session, credit_code)
    require_window_clerk(ctx, unit)
    person = person_with_account(session, id_type, id_number)
    current = membership(session, unit.id, person.id)
    if role is UnitRole.LEGAL_PERSON:
        for old in session.exec(
            select(UnitMember).where(
                UnitMember.unit_id == unit.id,
                UnitMember.role == UnitRole.LEGAL_PERSON.value,
                UnitMember.status == ACTIVE,
            )
        ).all():
            if old.person_id != person.id:
                old.status = REMOVED
                session.add(old)
        unit_file = session.get(UnitFile, unit.id)
        if unit_file is None:
            unit_file = UnitFile(
                unit_id=unit.id, legal_person_id=person.id, recorded_at=stamp(scope.now)
            )
        unit_file.legal_person_id = person.id
        unit_file.recorded_at = stamp(scope.now)
        unit_file.recorded_by = ctx.actor.account_id
        session.add(unit_file)
    if current is not None:
        if current.role == role.value:
            raise RuleError(
                UnitAccountErrorCode.ALREADY_MEMBER,
                f"This person is already the unit's {role.value}.",
                field="idNumber",
                rule=rules.RULE_WINDOW,
            )
        if role is UnitRole.ADMIN and current.role == UnitRole.LEGAL_PERSON.value:
            raise RuleError(
                UnitAccountErrorCode.ALREADY_MEMBER,
                "The legal person cannot also be registered as an admin.",
                field="role",
                rule=rules.RULE_WINDOW,
            )
        current.role = role.value
        current.can_replace_plates = True
        session.add(current)
        member = current
    else:
        if role is UnitRole.ADMIN:
            rules.require_room_for_member(_count_unit(session, unit.id))
            rules.require_room_for_person(_count_person_units(session, person.id))
        member = _new_member(scope, unit, person.id, role)
        member.can_replace_plates = True
        session.add(member)
    session.flush()
    scope.subject(person.id, f"UnitMember:{member.id}", unit=unit.id, role=role.value)
    return member


def _member_of_window_unit(
    ctx: Context, session: Session, member_id: str
) -> tuple[Unit, UnitMember]:
    from core.validation import require_text

    require_text("memberId", member_id, 16)
    member = session.get(UnitMember, member_id)
    if member is None or member.status != ACTIVE:
        raise NotFound("UnitMember", "memberId")
    unit = load_unit(session, member.unit_id, "memberId")
    ctx.require_in_force(MEASURE, unit.city_code, field="memberId")
    ctx.require_jurisdiction(unit.city_code, rule=rules.RULE_WINDOW, field="memberId")
    rules.require_new_rules(ctx.today(), "memberId", rules.RULE_WINDOW)
    return unit, member


def remove_at_window(ctx: Context, scope: WriteScope, member_id: str) -> UnitMember:
    """A clerk removes any member (the legal person and admins can only be changed here, 八-二)."""
    _unit, member = _member_of_window_unit(ctx, scope.session, member_id)
    member.status = REMOVED
    scope.session.add(member)
    scope.subject(member.person_id, f"UnitMember:{member.id}", role=member.role)
    return member


def grant_plates(ctx: Context, scope: WriteScope, member_id: str, granted: bool) -> UnitMember:
    """A clerk grants (or withdraws) a user's online 补换领牌证 permission at the window (八-三)."""
    _unit, member = _member_of_window_unit(ctx, scope.session, member_id)
    if member.role != UnitRole.USER.value:
        raise RuleError(
            UnitAccountErrorCode.UNIT_ROLE_REQUIRED,
            "The legal person and admins hold this permission by default.",
            field="memberId",
            rule=rules.RULE_PLATES,
        )
    member.can_replace_plates = granted
    scope.session.add(member)
    scope.subject(member.person_id, f"UnitMember:{member.id}", granted=granted)
    return member


def add_user(
    ctx: Context, scope: WriteScope, unit_id: str, id_type: str, id_number: str
) -> UnitMember:
    """The legal person or an admin adds a user online (八-二)."""
    session = scope.session
    unit, caller = require_member(ctx, session, unit_id)
    rules.require_new_rules(ctx.today(), "unitId", rules.RULE_ONLINE_USERS)
    rules.require_manager(caller.role)
    person = person_with_account(session, id_type, id_number)
    if membership(session, unit.id, person.id) is not None:
        raise RuleError(
            UnitAccountErrorCode.ALREADY_MEMBER,
            "This person already has an account in the unit.",
            field="idNumber",
            rule=rules.RULE_DUPLICATE,
        )
    rules.require_room_for_member(_count_unit(session, unit.id))
    rules.require_room_for_person(_count_person_units(session, person.id))
    member = _new_member(scope, unit, person.id, UnitRole.USER)
    scope.subject(person.id, f"UnitMember:{member.id}", unit=unit.id)
    ctx.notify(session, person.id, f"{MEASURE}.user_added", {"unit": unit.name}, measure=MEASURE)
    return member


def remove_user(ctx: Context, scope: WriteScope, unit_id: str, member_id: str) -> UnitMember:
    """The legal person or an admin removes a user online; the legal person and admins are
    changed only at a window (八-二)."""
    session = scope.session
    unit, caller = require_member(ctx, session, unit_id)
    rules.require_new_rules(ctx.today(), "unitId", rules.RULE_ONLINE_USERS)
    rules.require_manager(caller.role)
    member = session.get(UnitMember, member_id) if len(member_id or "") <= 16 else None
    if member is None or member.unit_id != unit.id or member.status != ACTIVE:
        raise NotFound("UnitMember", "memberId")
    if member.role != UnitRole.USER.value:
        raise RuleError(
            UnitAccountErrorCode.WINDOW_ONLY,
            "The legal person and admins are removed at a window.",
            field="memberId",
        )
    member.status = REMOVED
    session.add(member)
    scope.subject(member.person_id, f"UnitMember:{member.id}", unit=unit.id)
    return member
