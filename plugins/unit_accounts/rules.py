"""Pure rules of M20 (seed 2024 item 八): dates, roles, the clean-up plan. No database, no GraphQL.

Every refusal names its clause as "M20 2024-八-<part>[-<rule>]".
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from core import units
from core.accounts import UnitRole
from core.errors import RuleError
from core.identity import age_on

from .errors import UnitAccountErrorCode
from .models import CleanupRule

MEASURE = "unit_accounts"  # the plugin's slug: its folder, its actions' prefix

# 八-一 "7月1日起，不符合要求的账号将被停用" and 八-二 "7月1日起，单位用户账号分为法人、管理员和普通用户三类"
NEW_RULES_FROM = dt.date(2024, 7, 1)
UNIT_MAX_ACCOUNTS = 10  # 八-一-2
PERSON_MAX_UNITS = 3  # 八-一-3

RULE_CATEGORIES = "M20 2024-八-二: 7月1日起，单位用户账号分为法人、管理员和普通用户三类"
RULE_PERSONAL_FIRST = "M20 2024-八-二: 开通单位用户账号的，本人需要先在线注册“交管12123”APP个人账号"
RULE_WINDOW = (
    "M20 2024-八-二: 单位法人、管理员账号的注册和信息变更需要到属地公安交管部门线下窗口办理"
)
RULE_ONLINE_USERS = "M20 2024-八-二: 单位法人、管理员可以通过APP新增、删除本单位的普通用户"
RULE_QR = "M20 2024-八-二: 网页版取消账号、密码登录方式，统一通过APP扫码登录"
RULE_SCOPE = (
    "M20 2024-八-三: 查询、管理本单位名下车辆及车辆备案驾驶人信息，查询车辆状态、交通违法记录"
)
RULE_PLATES = (
    "M20 2024-八-三: 补换领牌证业务默认授权单位法人和管理员用户在线办理，"
    "单位普通用户需要前往属地公安交管部门线下窗口进行授权"
)
RULE_PRESELECT = "M20 2024-八-三: 在线办理预选机动车号牌"
RULE_EXEMPT = "M20 2024-八-三: 在线办理申领车辆免检标志"
RULE_CONTACT = "M20 2024-八-三: 在线办理变更联系方式"
RULE_DRIVERS = "M20 2024-八-三: 管理本单位名下车辆及车辆备案驾驶人信息"
RULE_DUPLICATE = "M20 2024-八-一-1: 同一单位使用同一身份证明号码注册的用户仅保留最新1个"
RULE_UNIT_10 = "M20 2024-八-一-2: 同一单位注册用户超过10个的，仅保留最新10个账号"
RULE_PERSON_3 = (
    "M20 2024-八-一-3: 同一人在3个以上单位注册用户的，仅保留最新注册的3个单位账号（法人账号除外）"
)
RULE_DISABLE = "M20 2024-八-一: 7月1日起，不符合要求的账号将被停用"


class MemberRole(enum.StrEnum):
    """单位用户类别 (八-二): the values of `core.accounts.UnitRole`, as this measure shows them."""

    LEGAL_PERSON = "LEGAL_PERSON"  # 法人
    ADMIN = "ADMIN"  # 管理员
    USER = "USER"  # 普通用户


class ManagerRole(enum.StrEnum):
    """The roles registered (and changed) only at a window (八-二)."""

    LEGAL_PERSON = "LEGAL_PERSON"  # 法人
    ADMIN = "ADMIN"  # 管理员


class PlateItem(enum.StrEnum):
    """What is replaced (牌证): plates, the vehicle licence, the inspection-passed mark (八-三)."""

    PLATE = "PLATE"  # 号牌
    VEHICLE_LICENCE = "VEHICLE_LICENCE"  # 行驶证
    INSPECTION_MARK = "INSPECTION_MARK"  # 检验合格标志


class CleanupMode(enum.StrEnum):
    """What a clean-up run does to non-compliant accounts (八-一)."""

    FLAG = "FLAG"  # before 2024-07-01: flag them (and export them for notification)
    DISABLE = "DISABLE"  # from 2024-07-01: disable them, convert the compliant ones


def new_rules_in_force(day: dt.date) -> bool:
    """The three account categories, window registration and online user management apply from
    2024-07-01 (八-二); non-compliant legacy accounts are disabled from the same day (八-一)."""
    return day >= NEW_RULES_FROM


def require_new_rules(day: dt.date, field: str | None = None, rule: str = RULE_CATEGORIES) -> None:
    """Refuse UNIT_ACCOUNTS_NOT_YET_EFFECTIVE before 2024-07-01."""
    if not new_rules_in_force(day):
        raise RuleError(
            UnitAccountErrorCode.NOT_YET_EFFECTIVE,
            f"Unit account categories apply from {NEW_RULES_FROM.isoformat()} (today {day.isoformat()}).",
            field=field,
            rule=rule,
            measure=MEASURE,
            date=day,
        )


def cleanup_mode(day: dt.date) -> CleanupMode:
    """FLAG (only flag and export) before 2024-07-01; DISABLE from 2024-07-01 (八-一)."""
    return CleanupMode.DISABLE if new_rules_in_force(day) else CleanupMode.FLAG


def may_replace_plates(role: str, granted_at_window: bool) -> bool:
    """八-三: legal person and admin by default; a user only once a window granted it."""
    if role in (UnitRole.LEGAL_PERSON.value, UnitRole.ADMIN.value):
        return True
    return role == UnitRole.USER.value and granted_at_window


def require_plate_permission(role: str, granted_at_window: bool) -> None:
    if not may_replace_plates(role, granted_at_window):
        raise RuleError(
            UnitAccountErrorCode.PLATE_GRANT_REQUIRED,
            "A unit user needs a window's authorisation to replace plates or licences online.",
            field="unitId",
        )


def require_manager(
    role: str, what: str = "add or remove users", rule: str = RULE_ONLINE_USERS
) -> None:
    """Only the legal person and admins add and remove users online (八-二), and (a documented
    choice) manage the unit's vehicles, filed drivers, contact details and plate numbers (八-三).
    The check is the core's (`core.units.require_manager_role`, shared with M09 and M14)."""
    units.require_manager_role(
        role,
        "unitId",
        code=UnitAccountErrorCode.UNIT_ROLE_REQUIRED,
        rule=rule,
        what=what,
    )


def require_room_for_member(active_members_in_unit: int) -> None:
    """Keep the clean-up's limit of 10 accounts per unit when adding (八-一-2)."""
    if active_members_in_unit >= UNIT_MAX_ACCOUNTS:
        raise RuleError(
            UnitAccountErrorCode.UNIT_MEMBER_LIMIT,
            f"The unit already has {UNIT_MAX_ACCOUNTS} accounts.",
            field="unitId",
        )


def require_room_for_person(non_legal_units_of_person: int) -> None:
    """Keep the clean-up's limit of 3 units per person (legal-person accounts excepted, 八-一-3)."""
    if non_legal_units_of_person >= PERSON_MAX_UNITS:
        raise RuleError(
            UnitAccountErrorCode.PERSON_UNIT_LIMIT,
            f"This person already holds accounts in {PERSON_MAX_UNITS} units.",
            field="idNumber",
        )


def qr_state_error(
    now: dt.datetime, expires_at: dt.datetime, approved: bool, redeemed: bool, redeeming: bool
) -> RuleError | None:
    """Why a QR sign-in challenge cannot move on now (None when it can). Expired at `expires_at`."""
    if redeemed:
        return RuleError(
            UnitAccountErrorCode.QR_ALREADY_USED,
            "This sign-in code was already used.",
            "challengeId",
            RULE_QR,
        )
    if now >= expires_at:
        return RuleError(
            UnitAccountErrorCode.QR_EXPIRED,
            "This sign-in code has expired.",
            "challengeId",
            RULE_QR,
        )
    if redeeming and not approved:
        return RuleError(
            UnitAccountErrorCode.QR_NOT_APPROVED,
            "The app has not approved this sign-in yet.",
            "challengeId",
            RULE_QR,
        )
    if not redeeming and approved:
        return RuleError(
            UnitAccountErrorCode.QR_ALREADY_USED,
            "This sign-in code was already approved.",
            "challengeId",
            RULE_QR,
        )
    return None


# --- the clean-up plan (八-一), an in-memory pass over plain rows ---------------------------------


class LegacyRow(NamedTuple):
    """One legacy account as the plan sees it (`registered_at` only needs to sort: a datetime,
    or the database's ISO text)."""

    id: str
    unit_id: str
    person_id: str
    registered_at: Any


@dataclass
class CleanupPlan:
    """Which rows go (and by which rule) and which stay (and as which role)."""

    removed: dict[str, CleanupRule] = field(default_factory=dict)
    kept: dict[str, str] = field(default_factory=dict)  # id -> UnitRole value after conversion

    def figures(self) -> dict[str, int]:
        out = {r.value: 0 for r in CleanupRule}
        for rule in self.removed.values():
            out[rule.value] += 1
        out["kept"] = len(self.kept)
        out["kept_legal_person"] = sum(
            1 for r in self.kept.values() if r == UnitRole.LEGAL_PERSON.value
        )
        return out


def _latest_first(rows: list[LegacyRow]) -> list[LegacyRow]:
    return sorted(rows, key=lambda r: (r[3], r[0]), reverse=True)


def plan_cleanup(rows: Iterable[LegacyRow], legal_person_of: Mapping[str, str]) -> CleanupPlan:
    """Apply the three rules of 八-一 in the seed's order, each on the survivors of the previous:

    1. per unit, one account per identity (the person's ID number): the latest is kept;
    2. per unit, at most 10 accounts: the latest 10 are kept;
    3. per person, accounts in at most 3 units: the latest 3 are kept; the person's legal-person
       accounts (identity equals the unit's filed legal person) are neither counted nor removed.
    Survivors convert by identity (八-二): LEGAL_PERSON when the identity equals the unit's legal
    person, USER otherwise. "Latest" is the registration time (ties: the larger id).
    """
    plan = CleanupPlan()
    removed, kept = plan.removed, plan.kept
    dup, over10, over3 = (
        CleanupRule.DUPLICATE_ID,
        CleanupRule.UNIT_OVER_10,
        CleanupRule.PERSON_OVER_3,
    )
    legal_role, user_role = UnitRole.LEGAL_PERSON.value, UnitRole.USER.value
    by_unit_person: dict[tuple[str, str], list[LegacyRow]] = defaultdict(list)
    for row in rows:
        by_unit_person[(row[1], row[2])].append(row)

    by_unit: dict[str, list[LegacyRow]] = defaultdict(list)
    for (unit_id, _person), group in by_unit_person.items():
        if len(group) == 1:
            by_unit[unit_id].append(group[0])
            continue
        ordered = _latest_first(group)
        by_unit[unit_id].append(ordered[0])
        for row in ordered[1:]:
            removed[row[0]] = dup

    by_person: dict[str, list[LegacyRow]] = defaultdict(list)
    get_legal = legal_person_of.get
    for unit_id, unit_rows in by_unit.items():
        if len(unit_rows) > UNIT_MAX_ACCOUNTS:
            unit_rows = _latest_first(unit_rows)
            for row in unit_rows[UNIT_MAX_ACCOUNTS:]:
                removed[row[0]] = over10
            unit_rows = unit_rows[:UNIT_MAX_ACCOUNTS]
        legal = get_legal(unit_id)
        for row in unit_rows:
            if row[2] == legal:
                kept[row[0]] = legal_role
            else:
                by_person[row[2]].append(row)

    for person_rows in by_person.values():
        if len(person_rows) > PERSON_MAX_UNITS:
            person_rows = _latest_first(person_rows)
            for row in person_rows[PERSON_MAX_UNITS:]:
                removed[row[0]] = over3
            person_rows = person_rows[:PERSON_MAX_UNITS]
        for row in person_rows:
            kept[row[0]] = user_role
    return plan


# --- 八-三 online business besides 补换领牌证 --------------------------------------------------------

RESERVATION_DAYS = (
    15  # a preselected number is kept 15 days for the registration (documented choice)
)
EXEMPT_MAX_AGE_YEARS = 10  # 非营运小微型载客汽车 10 年内免予上线检验 (2022 检验制度改革)
EXEMPT_WINDOW_DAYS = 90  # 检验有效期满前三个月内申领


def reservation_end(today: dt.date) -> dt.date:
    """The last day a plate number preselected on `today` is kept (inclusive)."""
    return today + dt.timedelta(days=RESERVATION_DAYS - 1)


def exempt_refusal(
    category: str,
    use: str,
    status: str,
    registered_at: dt.date,
    inspection_valid_until: dt.date | None,
    unhandled_violations: int,
    today: dt.date,
) -> str | None:
    """Why a vehicle cannot get the inspection-exempt mark today (None when it can): a
    non-operating small or mini passenger car, under 10 years old when its inspection period
    ends, in the 3 months before that end (or after it), in status NORMAL, with no unhandled
    violation."""
    if category not in ("SMALL_PASSENGER", "MINI_PASSENGER") or use != "NON_OPERATING":
        return "only non-operating small and mini passenger cars are exempt from inspection"
    if status != "NORMAL":
        return f"the vehicle is in status {status}"
    if inspection_valid_until is None:
        return "the vehicle has no inspection period on file"
    if age_on(registered_at, inspection_valid_until) >= EXEMPT_MAX_AGE_YEARS:
        return f"the vehicle is {EXEMPT_MAX_AGE_YEARS} years old or more: it is inspected"
    if today < inspection_valid_until - dt.timedelta(days=EXEMPT_WINDOW_DAYS):
        opens = inspection_valid_until - dt.timedelta(days=EXEMPT_WINDOW_DAYS)
        return f"the mark can be applied for from {opens.isoformat()}"
    if unhandled_violations:
        return "the vehicle has unhandled violations"
    return None


UnitAccountErrorCode.cites(
    {
        UnitAccountErrorCode.PERSONAL_ACCOUNT_REQUIRED: RULE_PERSONAL_FIRST,
        UnitAccountErrorCode.WINDOW_ONLY: RULE_WINDOW,
        UnitAccountErrorCode.UNIT_MEMBER_LIMIT: RULE_UNIT_10,
        UnitAccountErrorCode.PERSON_UNIT_LIMIT: RULE_PERSON_3,
        UnitAccountErrorCode.PLATE_GRANT_REQUIRED: RULE_PLATES,
        UnitAccountErrorCode.VEHICLE_NOT_ELIGIBLE: RULE_PLATES,
        UnitAccountErrorCode.PLATE_NUMBER_TAKEN: RULE_PRESELECT,
        UnitAccountErrorCode.PLATE_NUMBER_WRONG_CITY: RULE_PRESELECT,
        UnitAccountErrorCode.VIN_ALREADY_REGISTERED: RULE_PRESELECT,
        UnitAccountErrorCode.RESERVATION_CLOSED: RULE_PRESELECT,
        UnitAccountErrorCode.EXEMPT_NOT_ELIGIBLE: RULE_EXEMPT,
        UnitAccountErrorCode.DRIVER_LICENCE_REQUIRED: RULE_DRIVERS,
        UnitAccountErrorCode.DRIVER_ALREADY_FILED: RULE_DRIVERS,
    }
)
