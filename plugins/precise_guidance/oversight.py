"""The province's oversight of outlet data (七-一): each city declares its outlet data updated by
the deadline (6月25日), the province follows every city's progress and spot-checks (抽查核对)
sampled outlets; what a check finds wrong becomes a correction the city decides."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, update
from sqlmodel import select

from core.accounts import Role
from core.clock import to_china
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import cities_of
from core.divisions import city as lookup_city
from core.divisions import province as lookup_province
from core.errors import Code, NotFound, RuleError
from core.ids import lookup_id
from core.records import get_or_not_found
from core.validation import optional_text, require_range, require_text
from core.workflow import move

from . import rules
from .errors import PreciseGuidanceErrorCode
from .models import (
    GuidanceOutlet,
    OutletCorrection,
    SpotCheck,
    SpotCheckItem,
    UpdateDeclaration,
)
from .rules import MEASURE, CorrectionField, SpotResult
from .service import _as_text, _current, require_maintenance
from .workflows import SPOT_CHECK

ROUND_START = rules.MEASURE_START - dt.timedelta(days=rules.PREPARATION_DAYS)


def _outlet_count(ctx: Context, city: str) -> int:
    return ctx.session.exec(
        select(func.count()).select_from(GuidanceOutlet).where(GuidanceOutlet.city_code == city)
    ).one()


# --- the deadline ------------------------------------------------------------------------------------


def declare_update(ctx: Context, scope: WriteScope, city_code: str) -> UpdateDeclaration:
    """A city's supervisor declares its outlet data updated for the round (七-一); once."""
    city = require_maintenance(ctx, city_code)
    count = _outlet_count(ctx, city)
    if count == 0:
        raise RuleError(
            PreciseGuidanceErrorCode.NO_OUTLETS,
            "The city has published no outlet yet.",
            field="city",
            rule=rules.R_DEADLINE,
        )
    deadline = rules.UPDATE_DEADLINE
    exists = scope.session.exec(
        select(UpdateDeclaration.id).where(
            UpdateDeclaration.city_code == city, UpdateDeclaration.deadline == deadline
        )
    ).first()
    if exists is not None:
        raise RuleError(
            PreciseGuidanceErrorCode.ALREADY_DECLARED,
            "The city already declared its outlet data updated.",
            field="city",
        )
    row = UpdateDeclaration(
        city_code=city,
        deadline=deadline,
        declared_at=stamp(ctx.now()),
        declared_by=ctx.actor.account_id,
        outlets=count,
    )
    scope.session.add(row)
    scope.session.flush()
    scope.subject(None, f"UpdateDeclaration:{row.id}", city=city)
    return row


@dataclass(frozen=True)
class CityProgress:
    city: str
    city_name: str
    outlets: int
    outlets_updated_this_round: int
    declared_at: dt.datetime | None
    status: rules.UpdateStatus
    pending_corrections: int
    spot_checks_completed: int
    outlets_checked: int
    outlets_inaccurate: int


def _grouped(ctx: Context, statement: Any) -> dict[str, int]:
    return {city: int(n) for city, n in ctx.session.exec(statement).all()}


def progress(ctx: Context, province_code: str) -> list[CityProgress]:
    """Every city of the province where the measure is in force or being prepared: outlets,
    declaration against the deadline, pending corrections, spot-check findings. A province admin
    reads their own province; the national admin any."""
    prov = lookup_province(province_code, "province")
    if Role.NATIONAL_ADMIN not in ctx.actor.roles and ctx.actor.province_code != prov.code:
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            f"Province {prov.code} is outside your jurisdiction.",
            field="province",
            rule=rules.R_SPOT_CHECK,
        )
    today = ctx.today()
    day = rules.maintenance_day(today)
    cities = [
        c
        for c in cities_of(prov.code)
        if ctx.decision(MEASURE, c.code).in_force or ctx.decision(MEASURE, c.code, day).in_force
    ]
    if not cities:
        ctx.require_in_force(MEASURE, cities_of(prov.code)[0].code, day=day, field="province")
    codes = [c.code for c in cities]
    round_start = stamp(dt.datetime.combine(ROUND_START, dt.time(), tzinfo=dt.UTC))
    outlets = _grouped(ctx, select(GuidanceOutlet.city_code, func.count())
                       .where(GuidanceOutlet.city_code.in_(codes))  # type: ignore[attr-defined]
                       .group_by(GuidanceOutlet.city_code))  # fmt: skip
    updated = _grouped(ctx, select(GuidanceOutlet.city_code, func.count())
                       .where(GuidanceOutlet.city_code.in_(codes),  # type: ignore[attr-defined]
                              GuidanceOutlet.updated_at >= round_start)
                       .group_by(GuidanceOutlet.city_code))  # fmt: skip
    pending = _grouped(ctx, select(OutletCorrection.city_code, func.count())
                       .where(OutletCorrection.city_code.in_(codes),  # type: ignore[attr-defined]
                              OutletCorrection.status == "PENDING")
                       .group_by(OutletCorrection.city_code))  # fmt: skip
    done = _grouped(ctx, select(SpotCheck.city_code, func.count())
                    .where(SpotCheck.city_code.in_(codes),  # type: ignore[attr-defined]
                           SpotCheck.status == rules.SpotCheckStatus.COMPLETED.value)
                    .group_by(SpotCheck.city_code))  # fmt: skip
    checked: dict[str, int] = {}
    wrong: dict[str, int] = {}
    for city, result, n in ctx.session.exec(
        select(SpotCheck.city_code, SpotCheckItem.result, func.count())
        .join(SpotCheck, SpotCheck.id == SpotCheckItem.check_id)
        .where(SpotCheck.city_code.in_(codes), SpotCheckItem.result != SpotResult.PENDING.value)  # type: ignore[attr-defined]
        .group_by(SpotCheck.city_code, SpotCheckItem.result)
    ).all():
        checked[city] = checked.get(city, 0) + int(n)
        if result == SpotResult.INACCURATE.value:
            wrong[city] = wrong.get(city, 0) + int(n)
    declared = {
        d.city_code: d
        for d in ctx.session.exec(
            select(UpdateDeclaration).where(
                UpdateDeclaration.city_code.in_(codes),  # type: ignore[attr-defined]
                UpdateDeclaration.deadline == rules.UPDATE_DEADLINE,
            )
        ).all()
    }
    out = []
    for c in cities:
        d = declared.get(c.code)
        when = _china(d.declared_at) if d else None
        out.append(
            CityProgress(
                city=c.code,
                city_name=c.name,
                outlets=outlets.get(c.code, 0),
                outlets_updated_this_round=updated.get(c.code, 0),
                declared_at=when,
                status=rules.update_status(
                    when.date() if when else None, today, rules.UPDATE_DEADLINE
                ),  # fmt: skip
                pending_corrections=pending.get(c.code, 0),
                spot_checks_completed=done.get(c.code, 0),
                outlets_checked=checked.get(c.code, 0),
                outlets_inaccurate=wrong.get(c.code, 0),
            )
        )
    return out


def _china(value: dt.datetime) -> dt.datetime:
    return to_china(value)


# --- spot checks -------------------------------------------------------------------------------------


def start_check(
    ctx: Context,
    scope: WriteScope,
    city_code: str,
    sample_size: int,
    outlet_ids: list[str] | None,
) -> tuple[SpotCheck, list[SpotCheckItem]]:
    """The province samples outlets of one of its cities: the given ones, else `sample_size`
    (1..20) drawn at random (all when the city has fewer)."""
    session = scope.session
    city = require_maintenance(ctx, city_code)
    require_range("sampleSize", sample_size, 1, rules.SPOT_CHECK_MAX)
    if outlet_ids:
        if len(outlet_ids) > rules.SPOT_CHECK_MAX:
            raise RuleError(Code.INVALID_INPUT, "At most 20 outlets per check.", field="outletIds")
        chosen = []
        for raw in dict.fromkeys(outlet_ids):
            outlet = session.get(GuidanceOutlet, lookup_id(raw))
            if outlet is None or outlet.city_code != city:
                raise NotFound("Outlet", "outletIds")
            chosen.append(outlet)
    else:
        every = list(
            session.exec(select(GuidanceOutlet).where(GuidanceOutlet.city_code == city)).all()
        )
        chosen = secrets.SystemRandom().sample(every, min(sample_size, len(every)))
    if not chosen:
        raise RuleError(
            PreciseGuidanceErrorCode.NO_OUTLETS,
            "The city has published no outlet to check.",
            field="city",
            rule=rules.R_SPOT_CHECK,
        )
    check = SpotCheck(
        province_code=lookup_city(city).province_code,
        city_code=city,
        started_at=stamp(ctx.now()),
        started_by=ctx.actor.account_id,
    )
    session.add(check)
    session.flush()
    items = [
        SpotCheckItem(check_id=check.id, outlet_id=o.id, outlet_version=o.version) for o in chosen
    ]
    session.add_all(items)
    session.flush()
    scope.subject(None, f"SpotCheck:{check.id}", city=city, outlets=len(items))
    return check, items


def _open_check(ctx: Context, check_id: str, field: str) -> SpotCheck:
    check = get_or_not_found(ctx.session, SpotCheck, check_id, "Spot check", field)
    require_maintenance(ctx, check.city_code, field)
    if check.status != rules.SpotCheckStatus.OPEN.value:
        raise RuleError(
            PreciseGuidanceErrorCode.SPOT_CHECK_CLOSED,
            "This spot check is completed or cancelled.",
            field=field,
        )
    return check


def record_item(
    ctx: Context,
    scope: WriteScope,
    item_id: str,
    accurate: bool,
    findings: list[tuple[CorrectionField, str]],
    note: str | None,
) -> tuple[SpotCheck, SpotCheckItem]:
    """The checker records one sampled outlet: accurate, or inaccurate with each wrong field and
    its correct value, which becomes a correction in the city's queue (decided by the city,
    七-一 信息更新机制). The last item recorded completes the check."""
    session = scope.session
    item = get_or_not_found(session, SpotCheckItem, item_id, "Spot-check item", "itemId")
    check = _open_check(ctx, item.check_id, "itemId")
    text = optional_text("note", note, 300, multiline=True)
    if accurate and findings:
        raise RuleError(Code.INVALID_INPUT, "An accurate outlet has no findings.", field="findings")
    if not accurate and not findings:
        raise RuleError(
            Code.INVALID_INPUT, "Name each wrong field and its correct value.", field="findings"
        )
    outlet = session.get(GuidanceOutlet, item.outlet_id)
    assert outlet is not None
    corrections: list[OutletCorrection] = []
    for kind, proposed in findings:
        value = rules.parse_correction(kind, require_text("proposed", proposed, 500,
                                                          multiline=True))  # fmt: skip
        if _as_text(value) == _current(outlet, kind):
            raise RuleError(
                PreciseGuidanceErrorCode.NO_CHANGE,
                f"The outlet already shows this {kind.value.lower()}.",
                field="findings",
                rule=rules.R_SPOT_CHECK,
            )
        corrections.append(
            OutletCorrection(
                outlet_id=outlet.id,
                city_code=outlet.city_code,
                field=kind.value,
                proposed=_as_text(value),
                note=f"省级抽查 {check.id}" + (f"：{text}" if text else ""),
                reporter_account_id=ctx.actor.account_id,
                reporter_person_id=ctx.actor.person_id,
                created_at=stamp(ctx.now()),
            )
        )
    table = SpotCheckItem.__table__  # type: ignore[attr-defined]
    result = SpotResult.ACCURATE if accurate else SpotResult.INACCURATE
    session.add_all(corrections)
    session.flush()
    done = session.execute(
        update(table)
        .where(table.c.id == item.id, table.c.result == SpotResult.PENDING.value)
        .values(
            result=result.value,
            findings=sorted({k.value for k, _ in findings}),
            correction_ids=[c.id for c in corrections],
            checked_at=stamp(ctx.now()),
            checked_by=ctx.actor.account_id,
            note=text,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise RuleError(
            PreciseGuidanceErrorCode.SPOT_ITEM_ALREADY_CHECKED,
            "This outlet of the check was already recorded.",
            field="itemId",
        )
    session.refresh(item)
    left = session.exec(
        select(func.count())
        .select_from(SpotCheckItem)
        .where(SpotCheckItem.check_id == check.id, SpotCheckItem.result == SpotResult.PENDING.value)
    ).one()
    if left == 0:
        move(ctx, session, SPOT_CHECK, check, "complete", values={"closed_at": stamp(ctx.now())},
             field_name="itemId")  # fmt: skip
    scope.subject(None, f"SpotCheck:{check.id}", item=item.id, result=result.value)
    return check, item


def cancel_check(ctx: Context, scope: WriteScope, check_id: str, reason: str) -> SpotCheck:
    """The province cancels an open check, with a reason (e.g. the outlets were rebuilt)."""
    check = _open_check(ctx, check_id, "checkId")
    text = require_text("reason", reason, 300, multiline=True)
    move(ctx, scope.session, SPOT_CHECK, check, "cancel",
         values={"closed_at": stamp(ctx.now()), "note": text}, field_name="checkId")  # fmt: skip
    scope.subject(None, f"SpotCheck:{check.id}", cancelled=True)
    return check


def checks_statement(city_code: str) -> Any:
    return (
        select(SpotCheck)
        .where(SpotCheck.city_code == city_code)
        .order_by(SpotCheck.started_at.desc(), SpotCheck.id)  # type: ignore[attr-defined]
    )


def items_of(ctx: Context, check_ids: list[str]) -> dict[str, list[SpotCheckItem]]:
    out: dict[str, list[SpotCheckItem]] = {i: [] for i in check_ids}
    if check_ids:
        for item in ctx.session.exec(
            select(SpotCheckItem)
            .where(SpotCheckItem.check_id.in_(check_ids))  # type: ignore[attr-defined]
            .order_by(SpotCheckItem.id)
        ).all():
            out[item.check_id].append(item)
    return out
