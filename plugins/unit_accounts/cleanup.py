"""The clean-up of legacy unit accounts (八-一) and their conversion (八-二), set-based.

`run_cleanup` reads plain driver rows (no ORM objects, no type processing) for every legacy
account not yet disabled, plans in memory (`rules.plan_cleanup`), then writes in batches: one
`UPDATE ... WHERE id IN (...)` per 5,000 rows of one outcome, and one set-based
`INSERT INTO unit_members ... SELECT ... FROM unit_accounts_legacy` for the conversions. Only rows of units
whose city has the measure in force (and, for a province run, in that province) are changed; the
plan itself always sees every account, since rule 3 spans units across cities.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sqlalchemy import insert, literal, select, true
from sqlmodel import Session

from core.accounts import Person, Unit, UnitMember, UnitRole
from core.clock import to_china
from core.db import stamp
from core.identity import mask_id_number

from . import rules
from .models import (
    CleanupRule,
    CleanupRun,
    LegacyStatus,
    LegacyUnitAccount,
    UnitFile,
)
from .rules import CleanupMode

UPDATE_CHUNK = 5000
OPEN_STATUSES = (LegacyStatus.PENDING.value, LegacyStatus.FLAGGED.value)
LEGACY = LegacyUnitAccount.__tablename__


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _Writer:
    """Driver-level batched writes (no per-row ORM or statement compilation)."""

    def __init__(self, session: Session) -> None:
        self.conn = session.connection()
        dialect = self.conn.dialect
        self.mark = "?" if dialect.paramstyle == "qmark" else "%s"
        self.arrays = dialect.name == "postgresql"
        column = LegacyUnitAccount.__table__.c.decided_at
        self._bind_dt = column.type.dialect_impl(dialect).bind_processor(dialect)

    def stamp(self, value: dt.datetime) -> Any:
        return self._bind_dt(value) if self._bind_dt else value

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.conn.exec_driver_sql(sql).fetchall()]

    def update_in(self, assignments: dict[str, Any], ids: Sequence[str], raw: str = "") -> None:
        """`UPDATE legacy SET <assignments>[, raw] WHERE id IN (...)`, 5,000 ids a statement."""
        sets = ", ".join(f"{col} = {self.mark}" for col in assignments)
        if raw:
            sets = f"{sets}, {raw}" if sets else raw
        values = tuple(assignments.values())
        for chunk in _chunks(ids, UPDATE_CHUNK):
            if self.arrays:  # PostgreSQL: one array parameter, not thousands
                where, params = f"id = ANY({self.mark})", (*values, list(chunk))
            else:
                where = f"id IN ({', '.join([self.mark] * len(chunk))})"
                params = values + tuple(chunk)
            self.conn.exec_driver_sql(f"UPDATE {LEGACY} SET {sets} WHERE {where}", params)


def legal_persons(session: Session) -> dict[str, str]:
    """unit id -> person id of its legal person: the window's unit file, else an active
    LEGAL_PERSON member."""
    found: dict[str, str] = {}
    members = session.execute(
        select(UnitMember.unit_id, UnitMember.person_id).where(
            UnitMember.role == UnitRole.LEGAL_PERSON.value, UnitMember.status == "ACTIVE"
        )
    )
    for unit_id, person_id in members:
        found[unit_id] = person_id
    for unit_id, person_id in session.execute(select(UnitFile.unit_id, UnitFile.legal_person_id)):
        found[unit_id] = person_id
    return found


def run_cleanup(
    session: Session,
    now: dt.datetime,
    in_force: Callable[[str], bool],
    province: str | None = None,
    tell: Callable[[str, int, CleanupMode], None] | None = None,
) -> CleanupRun:
    """Flag (before 2024-07-01) or disable and convert (from 2024-07-01) the legacy accounts.

    `in_force(city_code)` says whether the measure is in force in a city today; `province`
    restricts the changes to units of one province (None: all). `tell(unit_id, accounts, mode)`
    is called once per unit with accounts newly flagged (before 2024-07-01: the unit is told
    before they are disabled) or newly disabled in this run.
    """
    day = to_china(now).date()
    mode = rules.cleanup_mode(day)
    w = _Writer(session)
    unit_city = dict(w.rows("SELECT id, city_code FROM units"))
    data = w.rows(
        f"SELECT id, unit_id, person_id, registered_at, status FROM {LEGACY} "
        f"WHERE status <> '{LegacyStatus.DISABLED.value}'"
    )
    plan = rules.plan_cleanup(
        [rules.LegacyRow(r[0], r[1], r[2], r[3]) for r in data], legal_persons(session)
    )
    city_ok: dict[str, bool] = {}

    def changeable(unit_id: str) -> bool:
        city = unit_city.get(unit_id, "")
        if province is not None and city[:2] != province[:2]:
            return False
        if city not in city_ok:
            city_ok[city] = in_force(city)
        return city_ok[city]

    open_rows = [r for r in data if r[4] in OPEN_STATUSES and changeable(r[1])]
    run = CleanupRun(ran_at=stamp(now), mode=mode.value, scope=province or "*", figures={})
    session.add(run)
    session.flush()
    when = w.stamp(stamp(now))
    removed: dict[tuple[str, str], list[str]] = {}
    kept: list[tuple[Any, ...]] = []
    for row in open_rows:
        rule = plan.removed.get(row[0])
        if rule is not None:
            status = LegacyStatus.DISABLED if mode is CleanupMode.DISABLE else LegacyStatus.FLAGGED
            removed.setdefault((status.value, rule.value), []).append(row[0])
        else:
            kept.append(row)
    if tell is not None:
        newly: dict[str, int] = {}
        for row in open_rows:
            was = row[4]
            if row[0] in plan.removed and (
                was == LegacyStatus.PENDING.value or mode is CleanupMode.DISABLE
            ):
                newly[row[1]] = newly.get(row[1], 0) + 1
        for unit_id, count in sorted(newly.items()):
            tell(unit_id, count, mode)
    for (status, rule), ids in removed.items():
        w.update_in(
            {"status": status, "cleanup_rule": rule, "decided_at": when, "run_id": run.id}, ids
        )
    converted = 0
    if mode is CleanupMode.DISABLE:
        converted = _convert(session, w, kept, plan.kept, when, run.id)
    else:
        flagged_back = [r[0] for r in kept if r[4] == LegacyStatus.FLAGGED.value]
        w.update_in(
            {"status": LegacyStatus.PENDING.value, "run_id": run.id},
            flagged_back,
            "cleanup_rule = NULL",
        )
    figures: dict[str, Any] = {"accounts": len(data), "changed": len(open_rows)}
    for (_status, rule), ids in removed.items():
        figures[rule] = figures.get(rule, 0) + len(ids)
    figures["converted"] = converted
    run.figures = figures
    session.add(run)
    session.flush()
    return run


def _convert(
    session: Session,
    w: _Writer,
    kept: list[tuple[Any, ...]],
    roles: dict[str, str],
    when: Any,
    run_id: str,
) -> int:
    """Compliant accounts become UnitMember rows (id = legacy id), 补换领牌证 allowed (八-三:
    "7月1日前已注册的单位用户账号，系统转换时已默认开通在线办理补换领牌证业务权限").

    The legacy rows are marked first (grouped by role, batched); then one set-based
    `INSERT ... SELECT` creates the members. A person who already holds an active membership of
    the unit (e.g. registered at a window) keeps it, and the legacy row is linked to it.
    """
    if not kept:
        return 0
    existing = {
        (unit_id, person_id): member_id
        for member_id, unit_id, person_id in w.rows(
            "SELECT id, unit_id, person_id FROM unit_members WHERE status = 'ACTIVE'"
        )
    }
    by_role: dict[str, list[str]] = {}
    linked: list[tuple[str, str]] = []
    for legacy_id, unit_id, person_id, _registered, _status in kept:
        member_id = existing.get((unit_id, person_id))
        if member_id is not None:
            linked.append((legacy_id, member_id))
        else:
            role = roles.get(legacy_id, UnitRole.USER.value)
            by_role.setdefault(role, []).append(legacy_id)
    base = {"status": LegacyStatus.CONVERTED.value, "decided_at": when, "run_id": run_id}
    for role, ids in by_role.items():
        w.update_in({**base, "role_after": role}, ids, "cleanup_rule = NULL, member_id = id")
    t = LegacyUnitAccount.__table__
    m = UnitMember.__table__
    session.execute(
        insert(m).from_select(
            ["id", "unit_id", "person_id", "role", "status", "can_replace_plates", "registered_at"],
            select(
                t.c.id,
                t.c.unit_id,
                t.c.person_id,
                t.c.role_after,
                literal("ACTIVE"),
                true(),
                t.c.registered_at,
            ).where(
                t.c.run_id == run_id,
                t.c.status == LegacyStatus.CONVERTED.value,
                t.c.member_id == t.c.id,
            ),
        )
    )
    for legacy_id, member_id in linked:
        w.update_in({**base, "member_id": member_id}, [legacy_id], "cleanup_rule = NULL")
    return len(kept)


# --- export of the removed accounts (for notification, 八-一 "提供被清理单位账号导出功能") ----------

EXPORT_COLUMNS = [
    "单位名称",
    "统一社会信用代码",
    "姓名",
    "身份证明号码",
    "手机号码",
    "注册时间",
    "清理规则",
    "状态",
]
RULE_LABEL = {
    CleanupRule.DUPLICATE_ID.value: "同一单位同一身份证明号码仅保留最新1个",
    CleanupRule.UNIT_OVER_10.value: "同一单位仅保留最新10个账号",
    CleanupRule.PERSON_OVER_3.value: "同一人仅保留最新3个单位账号",
}


def removed_rows(session: Session, city_code: str) -> list[tuple[Any, ...]]:
    """Removed (FLAGGED or DISABLED) accounts of units of one city, oldest unit first."""
    t = LegacyUnitAccount.__table__
    u = Unit.__table__
    p = Person.__table__
    return list(
        session.execute(
            select(
                u.c.name,
                u.c.credit_code,
                p.c.name,
                p.c.id_number,
                p.c.phone,
                t.c.registered_at,
                t.c.cleanup_rule,
                t.c.status,
            )
            .select_from(t.join(u, u.c.id == t.c.unit_id).join(p, p.c.id == t.c.person_id))
            .where(
                u.c.city_code == city_code,
                t.c.status.in_([LegacyStatus.FLAGGED.value, LegacyStatus.DISABLED.value]),
            )
            .order_by(u.c.credit_code, t.c.registered_at.desc(), t.c.id)
        ).all()
    )


def export_csv(rows: Sequence[tuple[Any, ...]]) -> str:
    """CSV (UTF-8, header row) of removed accounts; ID numbers masked, phones in full (the office
    calls or texts the unit, 八-一 "通过12123短信、语音热线等方式主动联系告知")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    for unit_name, credit, name, id_number, phone, registered, rule, status in rows:
        writer.writerow(
            [
                unit_name,
                credit,
                name,
                mask_id_number(id_number),
                phone or "",
                to_china(registered).strftime("%Y-%m-%d %H:%M"),
                RULE_LABEL.get(rule or "", rule or ""),
                "已停用" if status == LegacyStatus.DISABLED.value else "待停用",
            ]
        )
    return buffer.getvalue()
