"""Pure rules of M07 (2021 item 七): first-issue date, minimum age, validity, remarks, prefixes."""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from .errors import VeteranLicenceErrorCode

MEASURE = "veteran_licence"  # the plugin's slug: its folder, its actions' prefix

EFFECTIVE = dt.date(2021, 6, 1)  # 七-一 "自2021年6月1日起"
REMARK_CUTOFF = dt.date(2021, 5, 31)  # 七-三-2 "对 2021 年 5 月 31 日前已换发地方驾驶证的"
FIRST_VALIDITY_YEARS = 6  # 七-五

# 七-三-2: new-format military / armed-police licence prefixes (字头号)
NEW_FORMAT_PREFIXES = frozenset(
    [
        "JW",
        "JH",
        "LA",
        "HA",
        "KA",
        "JA",
        "YA",
        "BA",
        "QD",
        "QN",
        "QX",
        "QB",
        "QZ",
        "SS",
        "BS",
        "LS",
        "JS",
        "NS",
        "GS",
        "CS",
        "WA",
        "WJ",
        "WH",
        "WD",
        "WN",
        "WX",
        "WB",
        "WZ",
    ]
)

# Civil minimum ages per class (申请驾驶证年龄条件). The seed (七-四-1) names 公安部令第139号, in
# force until 2022-03-31; 公安部令第162号 replaced it from 2022-04-01 and lowered the large-class
# ages. The table in force on the exchange day applies. Sources: 139号 第十一条 (小型汽车等 18;
# 城市公交车、大型货车 20; 中型客车 21; 牵引车 24; 大型客车 26); 162号 第十四条 (小型汽车等 18;
# 城市公交车、中型客车、大型货车 20; 大型客车、重型牵引挂车 22). C6 (轻型牵引挂车, new in 162)
# is taken as 18 in both: an assumption to check against the text.
REG_162_FROM = dt.date(2022, 4, 1)
_SMALL = {c: 18 for c in ("C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P")}
MIN_AGE_139 = {**_SMALL, "A3": 20, "B2": 20, "B1": 21, "A2": 24, "A1": 26}
MIN_AGE_162 = {**_SMALL, "A3": 20, "B1": 20, "B2": 20, "A1": 22, "A2": 22}
MIN_AGE = MIN_AGE_162


def min_age_table(day: dt.date) -> dict[str, int]:
    """The minimum-age table of the regulation in force on `day`."""
    return MIN_AGE_162 if day >= REG_162_FROM else MIN_AGE_139


def regulation(day: dt.date) -> str:
    return "公安部令第162号" if day >= REG_162_FROM else "公安部令第139号"


RULE_MIN_AGE = "M07 2021-七-四-1: 初次取得军队或者武警部队驾驶证年龄未达到地方驾驶证最低年龄条件的，按照达到最低年龄条件的日期签注"
RULE_FIRST_DATE = "M07 2021-七-四-2: 年份按照初次取得军队驾驶证的年份，月、日按照换发驾驶证日期；军队驾驶证的月、日在换发月、日之后的，年份按照下一年度签注"
RULE_VALIDITY = (
    "M07 2021-七-五: 驾龄连续计算后的驾驶证第一次有效期限签注六年，按照换发驾驶证的日期签注起始日期"
)
RULE_REMARK = "M07 2021-七-三-1: 在电子驾驶证中备注原军队或者武警部队驾驶证初次领证时间、准驾车型、增驾车型及增驾时间"
RULE_RECORD = (
    "M07 2021-七-三-2: 2021年5月31日前已换发地方驾驶证的，在驾驶记录里备注；限于新军警驾驶证字头号"
)
RULE_CHECK = "M07 2021-七-一: 自动核查比对军队或者武警部队驾驶证信息，核查不通过的转入嫌疑业务"


class ExchangeStatus(enum.StrEnum):
    """Where an exchange stands (its application's status)."""

    COMPLETED = "COMPLETED"  # the civil licence is issued
    UNDER_REVIEW = "UNDER_REVIEW"  # the registry check failed: the suspicious queue (七-一)
    REJECTED = "REJECTED"  # closed by hand after the check failed


@dataclass(frozen=True)
class FirstIssue:
    day: dt.date
    rules: tuple[str, ...]
    explanation: str


def on_month_day(year: int, like: dt.date) -> dt.date:
    """`like`'s month and day in `year`; 29 February becomes 28 February in a common year."""
    try:
        return like.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def reached_age(birth: dt.date, years: int) -> dt.date:
    """The day a person born on `birth` is `years` old (29 February births: 1 March in common years,
    as core.identity.age_on counts)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 3, 1)


def min_age_for(classes: list[str], day: dt.date) -> int:
    """The highest civil minimum age among the classes first obtained, by the rules of `day`."""
    table = min_age_table(day)
    return max(table[c] for c in classes)


def first_issue_date(
    military_first: dt.date, exchange: dt.date, birth: dt.date | None, initial_classes: list[str]
) -> FirstIssue:
    """The 初次领证日期 written on the civil licence (七-四).

    The year of the first military licence with the month-day of the exchange; the next year when
    the military month-day falls after the exchange month-day; never later than the exchange day
    itself. If the applicant was under the civil minimum age when the military licence was first
    issued, the day they reached that age instead (七-四-1)."""
    if birth is not None:
        age = min_age_for(initial_classes, exchange)
        of_age = reached_age(birth, age)
        if military_first < of_age:
            return FirstIssue(
                of_age,
                (RULE_MIN_AGE,),
                f"military licence first issued {military_first}, before the civil minimum age "
                f"{age} for {'/'.join(initial_classes)} ({regulation(exchange)}) was reached on "
                f"{of_age}: first issue {of_age}",
            )
    year = military_first.year
    later = (military_first.month, military_first.day) > (exchange.month, exchange.day)
    if later:
        year += 1
    day = on_month_day(year, exchange)
    capped = day > exchange
    if capped:
        day = exchange
    why = (
        f"year {military_first.year} of the first military licence ({military_first})"
        + (", next year because its month-day falls after the exchange's" if later else "")
        + f", month-day of the exchange {exchange}: first issue {day}"
        + (" (not after the exchange day)" if capped else "")
    )
    return FirstIssue(day, (RULE_FIRST_DATE,), why)


def validity(exchange: dt.date) -> tuple[dt.date, dt.date]:
    """First validity period after an exchange: six years from the exchange day (七-五)."""
    try:
        end = exchange.replace(year=exchange.year + FIRST_VALIDITY_YEARS)
    except ValueError:
        end = dt.date(exchange.year + FIRST_VALIDITY_YEARS, 2, 28)
    return exchange, end


def remark(
    military_first: dt.date,
    classes: list[str],
    additions: list[tuple[str, dt.date]],
    new_licence_issued: dt.date | None = None,
) -> str:
    """The remark of the real military dates and classes (七-三). Additions made before the new
    military licence was issued are dated at its issue date (七-三-2)."""
    parts = [
        f"原军队/武警驾驶证初次领证日期 {military_first.isoformat()}",
        f"准驾车型 {' '.join(classes)}",
    ]
    for cls, day in additions:
        if new_licence_issued is not None and day < new_licence_issued:
            day = new_licence_issued
        parts.append(f"增驾 {cls} {day.isoformat()}")
    return "；".join(parts)


def prefix_listed(military_number: str) -> bool:
    return military_number[:2].upper() in NEW_FORMAT_PREFIXES


VeteranLicenceErrorCode.cites(
    {
        VeteranLicenceErrorCode.UNDER_MIN_AGE: RULE_MIN_AGE,
        VeteranLicenceErrorCode.PREFIX_NOT_LISTED: RULE_RECORD,
        VeteranLicenceErrorCode.EXCHANGED_TOO_LATE: RULE_RECORD,
        VeteranLicenceErrorCode.NOT_VERIFIED: RULE_CHECK,
    }
)
