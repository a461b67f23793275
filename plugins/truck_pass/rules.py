"""Pure rules of M04 (no database, no GraphQL): restriction windows, code limits, deadlines."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from core.dates import add_years
from core.errors import Code, RuleError
from core.registries.vehicles import VehicleCategory, VehicleUse
from core.text import fold_width, strip_blanks

from .errors import TruckPassErrorCode

MEASURE = "truck_pass"  # the plugin's slug: its folder, its actions' prefix
M = "M04"
RULE_NO_24H = f"{M} 2021-四-一: 确保6月1日起全部取消全城24小时禁止货车通行政策"
RULE_6H = f"{M} 2021-四-一: 除城市核心区等特殊区域个别道路外，其他道路为货车（危险货物运输车、工程运输车除外）通行预留时间原则上不少于6小时"
RULE_PUBLISH = f"{M} 2021-四-二: 主动公示申领条件、申领方式、核发时限、使用规则"
RULE_APPLY = f"{M} 2021-四-二: 方便货车所有人或者驾驶人在线申领电子通行码"
RULE_NEEDED = f"{M} 2021-四-二: 对货车确需在禁限行时段路段通行的，通过核发通行码予以保障"
RULE_BLACKLIST = f"{M} 2021-四-三: 对交通违法及交通事故突出的企业和车辆，纳入黑名单管理"
RULE_BLACKLIST_LIMITS = f"{M} 2021-四-三: 采取减少通行码（证）数量、缩短有效期等惩戒措施"
RULE_CORRECT = f"{M} 2021-四-三: 并责令限期整改"
RULE_APPEAL = f"{M} 2021-四-三 (platform: a listed firm may appeal once; the seed is silent)"
# a policy's days in force: 2000-01-01 at the earliest, at most this many years after today
# (dates outside are typos such as 9999-12-31, not rules; open-ended policies leave validUntil out)
EARLIEST_POLICY_DAY = dt.date(2000, 1, 1)
MAX_POLICY_YEARS_AHEAD = 5
RULE_POLICY_DATES = (
    f"{M} platform rule (seed silent): a policy's validFrom / validUntil lie between "
    f"{EARLIEST_POLICY_DAY.isoformat()} and {MAX_POLICY_YEARS_AHEAD} years after today"
)

# 四-一 applies in every city from this day ("确保6月1日起全部取消"): the policy register is
# nationwide from then; only the online pass codes (四-二) follow the pilot rollout
LIMITS_EFFECTIVE = dt.date(2021, 6, 1)
RULE_REGISTER = f"{M} 2021-四-一: 全面排查…确保6月1日起全部取消 (every city, no pilot)"
DAY_MINUTES = 24 * 60
MIN_OPEN_MINUTES = 6 * 60
MAX_WINDOWS = 6
MAX_START_AHEAD_DAYS = 30
TRUCKS = frozenset(c for c in VehicleCategory if c.is_truck)
SPECIAL_USES = frozenset({VehicleUse.DANGEROUS_GOODS, VehicleUse.CONSTRUCTION})
# [0-9], not \d (every script's digits); full-width forms are folded first
_WINDOW = re.compile(r"([01][0-9]|2[0-4]):([0-5][0-9])-([01][0-9]|2[0-4]):([0-5][0-9])")


class PolicyScope(enum.StrEnum):
    """What a restriction covers."""

    ROAD = "ROAD"
    AREA = "AREA"
    CITY_WIDE = "CITY_WIDE"


class PolicyStatus(enum.StrEnum):
    """A restriction policy is in the register until withdrawn (kept, never deleted)."""

    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"


class CodeStatus(enum.StrEnum):
    """An issued pass code: usable until its last day, unless revoked."""

    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


class RevokeReason(enum.StrEnum):
    """Why a code was revoked."""

    BLACKLIST = "BLACKLIST"  # a listing left the owner fewer codes (四-三)


class BlacklistStatus(enum.StrEnum):
    """Where a listing stands (四-三): on the list (also while appealed), or off it."""

    LISTED = "LISTED"
    APPEALED = "APPEALED"  # the firm appealed; still listed until decided
    LIFTED = "LIFTED"  # corrected: off the list (final)
    OVERTURNED = "OVERTURNED"  # the appeal succeeded: off the list, codes restored (final)


def blacklist_code_effects(
    codes: Sequence[tuple[str, dt.date, dt.date]],
    today: dt.date,
    max_codes: int,
    validity_days: int,
) -> tuple[list[str], dict[str, dt.date]]:
    """What a listing does to the codes a firm already holds (2021-四-三 "减少通行码（证）数量、
    缩短有效期"): `codes` are (id, valid from, valid until) in the order they were issued. The
    first `max_codes` are kept, the others revoked; a kept code runs at most `validity_days` from
    the later of its first day and the listing day. Returns (ids to revoke, {id: new last day}
    for the kept codes that are shortened)."""
    keep, revoke = codes[:max_codes], [c[0] for c in codes[max_codes:]]
    shortened = {}
    for code_id, start, until in keep:
        cap = max(start, today) + dt.timedelta(days=validity_days - 1)
        if until > cap:
            shortened[code_id] = cap
    return revoke, shortened


class ApplicantKind(enum.StrEnum):
    """How an applicant relates to the truck (2021-四-二: 货车所有人或者驾驶人)."""

    OWNER = "OWNER"  # the owning person
    UNIT = "UNIT"  # legal person / admin of the owning unit
    DRIVER = "DRIVER"  # an active filed driver


class VerificationReason(enum.StrEnum):
    """Why a scanned pass code is (not) valid: the signature first, then the live record."""

    OK = "OK"
    MALFORMED = "MALFORMED"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    RETIRED_KEY = "RETIRED_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    UNKNOWN_CODE = "UNKNOWN_CODE"
    OTHER_CITY = "OTHER_CITY"
    REVOKED = "REVOKED"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"


def check_register_open(city_code: str, day: dt.date, field: str = "city") -> None:
    """The restriction register (四-一) is open in every city from 2021-06-01, whatever the
    pass-code rollout says; before that day FEATURE_NOT_ENABLED (with measure, city, date)."""
    if day < LIMITS_EFFECTIVE:
        raise RuleError(
            Code.FEATURE_NOT_ENABLED,
            f"M04's restriction register opens nationwide on {LIMITS_EFFECTIVE.isoformat()}.",
            field=field,
            rule=RULE_REGISTER,
            measure=MEASURE,
            city=city_code,
            date=day,
        )


def parse_window(text: str, field: str = "restrictedWindows") -> tuple[int, int]:
    """ "HH:MM-HH:MM" -> (start minute, end minute); the end may be 24:00; a window may cross
    midnight (22:00-06:00). Start equal to end is refused (ambiguous: nothing or all day)."""
    match = _WINDOW.fullmatch(strip_blanks(fold_width(text))) if isinstance(text, str) else None
    if not match:
        raise RuleError(
            TruckPassErrorCode.INVALID_WINDOW,
            f"`{field}`: {text!r} is not HH:MM-HH:MM.",
            field=field,
        )
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start >= DAY_MINUTES or end > DAY_MINUTES or start == end:
        raise RuleError(
            TruckPassErrorCode.INVALID_WINDOW,
            f"`{field}`: {text!r} is not a window.",
            field=field,
        )
    return start, end


def check_policy_dates(today: dt.date, since: dt.date, until: dt.date | None) -> None:
    """A policy's first and last day lie between 2000-01-01 and MAX_POLICY_YEARS_AHEAD years
    after today (INVALID_DATE on the input field: `validFrom`, `validUntil`)."""
    latest = add_years(today, MAX_POLICY_YEARS_AHEAD)
    for field, day in (("validFrom", since), ("validUntil", until)):
        if day is not None and not EARLIEST_POLICY_DAY <= day <= latest:
            raise RuleError(
                Code.INVALID_DATE,
                f"`{field}` must lie between {EARLIEST_POLICY_DAY.isoformat()} and "
                f"{latest.isoformat()} ({MAX_POLICY_YEARS_AHEAD} years after today).",
                field=field,
                rule=RULE_POLICY_DATES,
            )


def restricted_minute_set(windows: Iterable[tuple[int, int]]) -> set[int]:
    """The minutes of the day (0..1439) covered by the windows (overlaps counted once)."""
    covered: set[int] = set()
    for start, end in windows:
        if start < end:
            covered.update(range(start, end))
        else:  # crosses midnight
            covered.update(range(start, DAY_MINUTES))
            covered.update(range(0, end))
    return covered


def restricted_minutes(windows: Iterable[tuple[int, int]]) -> int:
    return len(restricted_minute_set(windows))


def is_restricted_at(windows: Iterable[tuple[int, int]], minute_of_day: int) -> bool:
    return minute_of_day in restricted_minute_set(windows)


def special_only(uses: Sequence[VehicleUse]) -> bool:
    """True when the policy targets only dangerous-goods and/or construction vehicles."""
    return bool(uses) and set(uses) <= SPECIAL_USES


def check_policy(
    scope: str,
    core_area: bool,
    categories: Sequence[VehicleCategory],
    uses: Sequence[VehicleUse],
    windows: Sequence[str],
) -> int:
    """Validate a restriction policy (2021-四-一); return its restricted minutes per day."""
    if not categories:
        raise RuleError(
            Code.INVALID_INPUT, "Name the truck classes affected.", field="vehicleCategories"
        )
    for cat in categories:
        if cat not in TRUCKS:
            raise RuleError(
                TruckPassErrorCode.NOT_A_TRUCK,
                f"{cat.value} is not a truck category.",
                field="vehicleCategories",
                rule=RULE_6H,
            )
    if not windows or len(windows) > MAX_WINDOWS:
        raise RuleError(
            Code.INVALID_INPUT,
            f"Give 1 to {MAX_WINDOWS} restricted windows.",
            field="restrictedWindows",
        )
    if scope == "CITY_WIDE" and core_area:
        raise RuleError(
            Code.INVALID_INPUT, "A city-wide policy cannot be a core area.", field="coreArea"
        )
    minutes = restricted_minutes(parse_window(w) for w in windows)
    if scope == "CITY_WIDE" and minutes >= DAY_MINUTES:
        raise RuleError(
            TruckPassErrorCode.CITY_WIDE_24H_BAN,
            "A city-wide 24-hour truck ban is not allowed.",
            field="restrictedWindows",
        )
    if not core_area and not special_only(uses) and DAY_MINUTES - minutes < MIN_OPEN_MINUTES:
        raise RuleError(
            TruckPassErrorCode.OPEN_HOURS_TOO_SHORT,
            f"Only {DAY_MINUTES - minutes} minutes a day stay open to trucks; at least "
            f"{MIN_OPEN_MINUTES} are required outside core areas.",
            field="restrictedWindows",
        )
    return minutes


@dataclass(frozen=True)
class PolicyFacts:
    """What the union check needs of one policy: where, whom, when (days inclusive; `until`
    None = open-ended) and its restricted windows (minutes of the day)."""

    ref: str  # the policy id ("new" for the one being recorded)
    scope: str  # PolicyScope value
    place: str  # normalised road / area name ("" for CITY_WIDE)
    core_area: bool
    categories: frozenset[str]
    uses: frozenset[str]  # empty = every use
    windows: tuple[tuple[int, int], ...]
    since: dt.date
    until: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        return self.since <= day and (self.until is None or day <= self.until)

    def restricts(self, category: str, use: str) -> bool:
        return category in self.categories and (not self.uses or use in self.uses)


def place_key(name: str) -> str:
    """The road / area a policy covers, compared without width, case or blank differences."""
    return "".join(fold_width(name).split()).casefold()


def _check_days(new: PolicyFacts, others: Sequence[PolicyFacts], first: dt.date) -> list[dt.date]:
    """The days on which the set of policies in force with `new` can be largest: its first day
    and every later start of another policy while `new` is in force (the set only grows at a
    start, so checking these days checks every day)."""
    start = max(new.since, first)
    days = {start}
    for other in others:
        if other.since > start and new.in_force(other.since):
            days.add(other.since)
    return sorted(days)


def check_union(new: PolicyFacts, others: Sequence[PolicyFacts], first: dt.date) -> None:
    """Check the UNION of the city's policies in force on each day from `first` on, for every
    place `new` touches (2021-四-一): on no day may the city-wide policies together ban a truck
    class all 24 hours, and on no day may the city-wide policies plus those of one road or area
    (outside core areas) leave fewer than 6 hours open to a truck class of ordinary use
    (dangerous-goods and construction vehicles excepted). Raises TRUCK_PASS_CITY_WIDE_24H_BAN /
    TRUCK_PASS_OPEN_HOURS_TOO_SHORT naming the day, the place and the other policies, or
    INVALID_INPUT when the road / area is recorded as a core area by one policy and not by
    another in force at the same time."""
    if new.until is not None and new.until < max(new.since, first):
        return
    city_wide = new.scope == PolicyScope.CITY_WIDE.value
    for day in _check_days(new, others, first):
        in_force = [p for p in others if p.in_force(day)] + [new]
        wide = [p for p in in_force if p.scope == PolicyScope.CITY_WIDE.value]
        if city_wide:
            places = {("CITY_WIDE", "")} | {
                (p.scope, p.place) for p in in_force if p.scope != PolicyScope.CITY_WIDE.value
            }
        else:
            places = {(new.scope, new.place)}
        for scope, place in sorted(places):
            local = [p for p in in_force if (p.scope, p.place) == (scope, place)]
            if not city_wide and any(p.core_area != new.core_area for p in local):
                raise RuleError(
                    Code.INVALID_INPUT,
                    f"{place!r} is recorded as {'not ' if new.core_area else ''}a core area by "
                    f"another policy in force on {day.isoformat()}.",
                    field="coreArea",
                    rule=RULE_6H,
                )
            core = any(p.core_area for p in local)
            members = wide + (local if scope != "CITY_WIDE" else [])
            _check_place(new, members, day, scope, place, core)


def _check_place(
    new: PolicyFacts,
    members: Sequence[PolicyFacts],
    day: dt.date,
    scope: str,
    place: str,
    core: bool,
) -> None:
    where = "city-wide" if scope == "CITY_WIDE" else f"{scope.lower()} {place!r}"
    for category in sorted(new.categories):
        for use in VehicleUse:
            applying = [p for p in members if p.restricts(category, use.value)]
            if new not in applying:
                continue  # `new` does not change this class's union
            minutes = restricted_minutes(w for p in applying for w in p.windows)
            others = sorted(p.ref for p in applying if p is not new)
            together = f" together with {', '.join(others)}" if others else ""
            if scope == "CITY_WIDE" and minutes >= DAY_MINUTES:
                raise RuleError(
                    TruckPassErrorCode.CITY_WIDE_24H_BAN,
                    f"On {day.isoformat()} the city-wide policies{together} would ban "
                    f"{category} ({use.value}) all 24 hours.",
                    field="restrictedWindows",
                    details={"day": day.isoformat(), "policies": others},
                )
            if not core and use not in SPECIAL_USES and DAY_MINUTES - minutes < MIN_OPEN_MINUTES:
                raise RuleError(
                    TruckPassErrorCode.OPEN_HOURS_TOO_SHORT,
                    f"On {day.isoformat()} only {DAY_MINUTES - minutes} minutes a day would stay "
                    f"open to {category} ({use.value}) on the {where}{together}; at least "
                    f"{MIN_OPEN_MINUTES} are required outside core areas.",
                    field="restrictedWindows",
                    details={"day": day.isoformat(), "policies": others},
                )


def policy_applies(categories: Sequence[str], uses: Sequence[str], category: str, use: str) -> bool:
    """Does a policy restrict a vehicle of this category and use (so that it needs a pass)?"""
    return category in categories and (not uses or use in uses)


def check_start(today: dt.date, requested_from: dt.date) -> None:
    """A code starts today or within the next 30 days."""
    if requested_from < today or requested_from > today + dt.timedelta(days=MAX_START_AHEAD_DAYS):
        raise RuleError(
            TruckPassErrorCode.START_OUT_OF_RANGE,
            f"`validFrom` must be between today and {MAX_START_AHEAD_DAYS} days ahead.",
            field="validFrom",
        )


def code_window(
    approval_day: dt.date,
    requested_from: dt.date,
    requested_days: int,
    limit_days: int,
) -> tuple[dt.date, dt.date]:
    """The issued code's first and last day: never before approval, never longer than allowed
    (the shorter blacklist validity included, 2021-四-三)."""
    start = max(approval_day, requested_from)
    days = min(requested_days, limit_days)
    return start, start + dt.timedelta(days=days - 1)


def code_limits(
    blacklisted: bool,
    max_codes: int,
    validity_days: int,
    blacklist_max_codes: int,
    blacklist_validity_days: int,
) -> tuple[int, int, str]:
    """(max active codes, max validity days, rule) for an owner, blacklisted or not."""
    if blacklisted:
        return (
            min(max_codes, blacklist_max_codes),
            min(validity_days, blacklist_validity_days),
            RULE_BLACKLIST_LIMITS,
        )
    return max_codes, validity_days, RULE_PUBLISH


def check_code_count(active: int, limit: int, rule: str) -> None:
    if active >= limit:
        raise RuleError(
            TruckPassErrorCode.CODE_LIMIT_REACHED,
            f"The owner already holds {active} active codes in this city (limit {limit}).",
            field="applicationId",
            rule=rule,
        )


def check_blacklist_threshold(
    violations: int, accidents: int, violation_threshold: int, accident_threshold: int
) -> None:
    """Only companies / vehicles with many violations or accidents (突出) are listed."""
    if violations < violation_threshold and accidents < accident_threshold:
        raise RuleError(
            TruckPassErrorCode.BLACKLIST_THRESHOLD_NOT_MET,
            f"{violations} violations and {accidents} accidents are below the thresholds "
            f"({violation_threshold} violations or {accident_threshold} accidents).",
            field="accidents",
        )


def is_overdue(today: dt.date, due_date: dt.date, pending: bool) -> bool:
    """A pending application is overdue from the day after its due date (核发时限)."""
    return pending and today > due_date


TruckPassErrorCode.cites(
    {
        TruckPassErrorCode.CITY_WIDE_24H_BAN: RULE_NO_24H,
        TruckPassErrorCode.OPEN_HOURS_TOO_SHORT: RULE_6H,
        TruckPassErrorCode.INVALID_WINDOW: RULE_6H,
        TruckPassErrorCode.VEHICLE_NOT_NORMAL: RULE_APPLY,
        TruckPassErrorCode.PASS_NOT_NEEDED: RULE_NEEDED,
        TruckPassErrorCode.CONDITIONS_NOT_PUBLISHED: RULE_PUBLISH,
        TruckPassErrorCode.START_OUT_OF_RANGE: RULE_APPLY,
        TruckPassErrorCode.BLACKLIST_THRESHOLD_NOT_MET: RULE_BLACKLIST,
        TruckPassErrorCode.APPEAL_ALREADY_MADE: RULE_APPEAL,
    }
)
