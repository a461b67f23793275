"""A failed check's follow-up (十一-三 反馈机制): the insurer its policy names is told, sees it,
and records the cause and the correction; the office may close it with a cause; a later check
of the same vehicle that finds cover closes it. Declared as the workflow `insurance_check.failure`
(OPEN -> RESOLVED, three ways), so no failure stays open with nobody able to close it."""

from __future__ import annotations

from typing import Any

from sqlmodel import select

from core.accounts import PartnerKind, PartnerOrg
from core.context import Context, WriteScope
from core.db import stamp
from core.divisions import CITIES
from core.divisions import city as lookup_city
from core.errors import Code, NotFound, RuleError
from core.ids import lookup_id
from core.notices import Addressee
from core.validation import require_text
from core.workflow import Party, Transition, Workflow, move

from .models import InsuranceCheckRow
from .rules import MEASURE, FailureCause, Resolution, Rule

RESOLVED_NOTICE = f"{MEASURE}.failure_resolved"


def _addressees(row: InsuranceCheckRow) -> tuple[Addressee | None, ...]:
    """The clerk who ran the check and the insurer concerned."""
    return (
        Addressee.account(row.checked_by) if row.checked_by else None,
        Addressee.partner(row.insurer_org_id) if row.insurer_org_id else None,
    )


FLOW = Workflow(
    f"{MEASURE}.failure",
    MEASURE,
    states=(Resolution.OPEN.value, Resolution.RESOLVED.value),
    initial=(Resolution.OPEN.value,),
    final=(Resolution.RESOLVED.value,),
    transitions=(
        Transition("insurer_resolve", ("OPEN",), "RESOLVED", (Party.PARTNER,), RESOLVED_NOTICE),
        Transition("office_close", ("OPEN",), "RESOLVED", (Party.OFFICE,), RESOLVED_NOTICE),
        Transition("recheck_found", ("OPEN",), "RESOLVED", (Party.SYSTEM,), RESOLVED_NOTICE),
    ),
    addressees=_addressees,
    notice_params=lambda row: {
        "checkId": row.id,
        "vin": row.vin,
        "cause": row.cause or "",
        "correction": row.correction or "",
    },
)


def insurer_of(session: Any, insurer_name: str | None) -> str | None:
    """The registered insurer (partner organisation) a policy's insurer name designates."""
    if not insurer_name:
        return None
    return session.exec(
        select(PartnerOrg.id)
        .where(PartnerOrg.kind == PartnerKind.INSURER.value, PartnerOrg.name == insurer_name)
        .order_by(PartnerOrg.id)
    ).first()


def open_failure(ctx: Context, session: Any, row: InsuranceCheckRow) -> None:
    """A failed check starts OPEN; the insurer its policy names is told at once (十一-三)."""
    row.resolution_status = Resolution.OPEN.value
    row.insurer_org_id = insurer_of(session, row.insurer_name)
    if row.insurer_org_id:
        ctx.notify(
            session,
            Addressee.partner(row.insurer_org_id),
            f"{MEASURE}.failure_reported",
            {
                "outcome": row.outcome,
                "vin": row.vin,
                "policyNumber": row.policy_number or "",
                "day": ctx.today().isoformat(),
                "checkId": row.id,
            },
        )


def close_on_recheck(ctx: Context, session: Any, row: InsuranceCheckRow) -> int:
    """A check that finds cover closes the vehicle's open failures (RECHECK_FOUND)."""
    opened = session.exec(
        select(InsuranceCheckRow).where(
            InsuranceCheckRow.vin == row.vin,
            InsuranceCheckRow.resolution_status == Resolution.OPEN.value,
            InsuranceCheckRow.id != row.id,
        )
    ).all()
    for failure in opened:
        move(ctx, session, FLOW, failure, "recheck_found", status_field="resolution_status",
             values={"cause": FailureCause.RECHECK_FOUND.value,
                     "correction": f"复核查到有效保单{row.policy_number or ''}",
                     "resolved_by": None, "resolved_at": stamp(ctx.now())},
             field_name="vin")  # fmt: skip
    return len(opened)


def _failure(session: Any, check_id: str) -> InsuranceCheckRow:
    row = session.get(InsuranceCheckRow, lookup_id(check_id))
    if row is None or row.resolution_status is None:
        raise NotFound("InsuranceCheck", "checkId")
    return row


def _chosen(cause: FailureCause) -> FailureCause:
    if cause is FailureCause.RECHECK_FOUND:
        raise RuleError(
            Code.INVALID_INPUT, "RECHECK_FOUND is set by a later check, not chosen.", "cause"
        )
    return cause


def _resolve(
    ctx: Context,
    scope: WriteScope,
    row: InsuranceCheckRow,
    transition: str,
    cause: FailureCause,
    correction: str,
    resolved_by: str | None,
) -> InsuranceCheckRow:
    """Move an open failure to RESOLVED by `transition` with its cause (already `_chosen`) and
    its correction (or the office's note), recorded as resolved by `resolved_by`."""
    values = {
        "cause": cause.value,
        "correction": correction,
        "resolved_by": resolved_by,
        "resolved_at": stamp(ctx.now()),
    }
    scope.subject(ref=f"InsuranceCheck:{row.id}", cause=cause.value)
    move(ctx, scope.session, FLOW, row, transition, status_field="resolution_status",
         values=values, field_name="checkId")  # fmt: skip
    return row


def insurer_resolve(ctx: Context, scope: WriteScope, check_id: str, cause: FailureCause,
                    correction: str) -> InsuranceCheckRow:  # fmt: skip
    """The insurer concerned records the cause and its correction; the failure is RESOLVED and
    the clerk who ran the check is told. Another insurer's failure answers NOT_FOUND."""
    row = _failure(scope.session, check_id)
    if row.insurer_org_id is None or row.insurer_org_id != ctx.actor.partner_org_id:
        raise NotFound("InsuranceCheck", "checkId")
    ctx.require_in_force(MEASURE, row.city_code, field="checkId")
    _chosen(cause)
    text = require_text("correction", correction, 500, multiline=True)
    return _resolve(ctx, scope, row, "insurer_resolve", cause, text, ctx.actor.partner_org_id)


def office_close(ctx: Context, scope: WriteScope, check_id: str, cause: FailureCause,
                 note: str) -> InsuranceCheckRow:  # fmt: skip
    """Staff of the check's city close a failure with its cause (e.g. the vehicle was truly
    uninsured, or the insurer does not answer); the insurer concerned and the clerk are told."""
    row = _failure(scope.session, check_id)
    ctx.require_in_force(MEASURE, row.city_code, field="checkId")
    ctx.require_jurisdiction(row.city_code, rule=Rule.FEEDBACK, field="checkId")
    _chosen(cause)
    text = require_text("note", note, 500, multiline=True)
    return _resolve(ctx, scope, row, "office_close", cause, text, ctx.actor.account_id)


def failures(ctx: Context, status: Resolution | None, city: str | None):  # noqa: ANN201 - a select
    """Failed checks: an insurer's own (the policies it issued), or a city's for its staff."""
    table = InsuranceCheckRow
    statement = select(table).where(table.resolution_status.is_not(None))  # type: ignore[union-attr]
    today = ctx.today()
    city = lookup_city(city).code if city is not None else None
    if ctx.actor.is_partner:
        statement = statement.where(table.insurer_org_id == ctx.actor.partner_org_id)
        if city is not None:
            ctx.require_in_force(MEASURE, city)
            statement = statement.where(table.city_code == city)
        else:
            live = [c for c, info in CITIES.items()
                    if ctx.platform.rollout.decide(MEASURE, info, today).in_force]  # fmt: skip
            statement = statement.where(table.city_code.in_(live))  # type: ignore[attr-defined]
    else:
        city = city or ctx.actor.city_code
        if city is None:
            raise RuleError(Code.INVALID_INPUT, "Name the city.", "city")
        ctx.require_in_force(MEASURE, city)
        ctx.require_jurisdiction(city, field="city")
        statement = statement.where(table.city_code == city)
    if status is not None:
        statement = statement.where(table.resolution_status == status.value)
    ctx.audit_read(
        f"{MEASURE}.failures", None, None, {"purpose": "交强险核查失败反馈", "city": city or "*"}
    )
    return statement.order_by(table.checked_at.desc(), table.id)  # type: ignore[attr-defined]


__all__ = ["FLOW", "failures", "insurer_resolve", "office_close"]
