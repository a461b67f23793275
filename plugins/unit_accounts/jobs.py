"""The clean-up as a scheduled job and as an admin operation, and the export for clerks (八-一)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session

from core import outbox
from core.accounts import Role, Unit
from core.clock import to_china
from core.context import Context, WriteScope
from core.divisions import CITIES, cities_of
from core.divisions import city as lookup_city
from core.divisions import province as lookup_province
from core.errors import Code, RuleError
from core.job_audit import record_job_run
from core.notices import Addressee

from . import cleanup, rules
from .models import CleanupRun
from .rules import MEASURE, CleanupMode


def _teller(session: Session, now: dt.datetime, templates: Any) -> Any:
    """Tell each unit whose accounts the clean-up flags (before 2024-07-01: they will be
    disabled on that day, 八-一 "各支队要于6月20日前…主动联系告知相关单位") or disables."""

    def tell(unit_id: str, count: int, mode: CleanupMode) -> None:
        name = session.get(Unit, unit_id)
        template = "cleanup_flagged" if mode is CleanupMode.FLAG else "cleanup_disabled"
        outbox.notify(
            session,
            now,
            templates,
            Addressee.unit(unit_id),
            f"{MEASURE}.{template}",
            {"unit": name.name if name else "", "count": count,
             "date": rules.NEW_RULES_FROM.isoformat()},
        )  # fmt: skip

    return tell


def run_job(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Scheduled run over every city where the measure is in force (audited as SYSTEM)."""
    day = to_china(now).date()

    def in_force(code: str) -> bool:
        found = CITIES.get(code)
        return bool(found) and platform.rollout.decide(MEASURE, found, day).in_force

    with Session(platform.engine, expire_on_commit=False) as session:
        run = cleanup.run_cleanup(
            session, now, in_force, tell=_teller(session, now, platform.notices)
        )
        record_job_run(
            session,
            now,
            f"{MEASURE}.cleanup_job",
            MEASURE,
            f"CleanupRun:{run.id}",
            dict(run.figures),
        )
        session.commit()
        return {"run": run.id, "mode": run.mode, **run.figures}


def run_for_admin(ctx: Context, scope: WriteScope, province_code: str | None) -> CleanupRun:
    """A province admin runs the clean-up for their province; the national admin for one
    province or (no province) the whole country. Cities where the measure is not in force are
    left unchanged; if it is in force in none of them, FEATURE_NOT_ENABLED."""
    actor = ctx.actor
    national = Role.NATIONAL_ADMIN in actor.roles
    if province_code is None and not national:
        province_code = actor.province_code or "-"
    if province_code is None:
        cities = list(CITIES.values())
    else:
        prov = lookup_province(province_code, "province")
        if not national and actor.province_code != prov.code:
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                f"Province {prov.code} is outside your jurisdiction.",
                field="province",
                rule="core: jurisdiction",
            )
        cities = cities_of(prov.code)
    day = ctx.today()
    live = {c.code for c in cities if ctx.decision(MEASURE, c.code, day).in_force}
    if not live:
        raise RuleError(
            Code.FEATURE_NOT_ENABLED,
            f"M20 unit accounts is not in force in {province_code or 'any city'} on {day.isoformat()}.",
            field="province",
            rule="core: rollout",
            measure=MEASURE,
            date=day,
        )
    run = cleanup.run_cleanup(
        scope.session,
        scope.now,
        live.__contains__,
        province_code,
        tell=_teller(scope.session, scope.now, ctx.platform.notices),
    )
    scope.subject(None, f"CleanupRun:{run.id}", mode=run.mode, **run.figures)
    return run


def export_for_staff(ctx: Context, city_code: str) -> tuple[str, int]:
    """CSV of the removed accounts of units of one city, for the office to notify them (八-一
    "提供被清理单位账号导出功能，各支队要于6月20日前…主动联系告知相关单位"). Audited read."""
    found = lookup_city(city_code, "city")
    ctx.require_in_force(MEASURE, found.code)
    ctx.require_jurisdiction(found.code, field="city")
    rows = cleanup.removed_rows(ctx.session, found.code)
    ctx.audit_read(
        f"{MEASURE}.cleanup_export",
        None,
        f"City:{found.code}",
        {"purpose": "notify units of removed accounts (八-一)", "rows": len(rows)},
        measure=MEASURE,
    )
    return cleanup.export_csv(rows), len(rows)


def expire_reservations_job(platform: Any, now: dt.datetime) -> dict[str, Any]:
    """Daily: preselected plate numbers past their last day become EXPIRED (八-三; the number is
    free again). Audited as SYSTEM."""
    from .business import expire_reservations

    day = to_china(now).date()
    with Session(platform.engine, expire_on_commit=False) as session:
        count = expire_reservations(session, day, now)
        record_job_run(
            session,
            now,
            f"{MEASURE}.reservations_expire",
            MEASURE,
            "PlateReservation:*",
            {"expired": count},
        )
        session.commit()
        return {"expired": count}
