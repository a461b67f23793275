"""Pure rules of M11: which vehicles are checked online, and what a set of policies means today."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import RuleError
from core.registries.vehicles import MOTORCYCLES, VehicleCategory

from .errors import InsuranceCheckErrorCode

MEASURE = "insurance_check"  # the plugin's slug: its folder, its actions' prefix
EFFECTIVE = dt.date(2021, 6, 1)


class Rule:
    """Seed clauses (2021 item 十一) quoted briefly."""

    CHECK = "M11 2021-十一: 办理机动车登记、核发检验合格标志时，车辆管理所网上核查机动车交强险信息，申请人无需提交纸质凭证"
    SCOPE = (
        "M11 2021-十一-一: 启用除摩托车、低速载货汽车、三轮汽车以外车型的机动车交强险信息在线核查"
    )
    FOUND = "M11 2021-十一-一: 核查到交强险信息的，群众可以免予提交交强险、车船税纸质凭证"
    NATIONWIDE = "M11 2021-十一-二: 6月1日起，各地要全部实现交强险信息在线核查"
    FEEDBACK = (
        "M11 2021-十一-三: 建立数据核查异常反馈机制……每周分析通报、协调解决核查失败数据的主要问题"
    )
    WEEKLY_PROVINCE = "M11 2021-十一-三: 自下而上、逐层汇聚……每周分析通报 (总队: its cities)"
    WEEKLY_NATION = "M11 2021-十一-三: 自下而上、逐层汇聚……每周分析通报 (部局: per province)"


# 十一-一: motorcycles, low-speed trucks and tricycles keep the paper certificate; an e-bike is not
# a motor vehicle and has no 交强险 check here either.
PAPER_ONLY = frozenset(
    {
        *MOTORCYCLES,
        VehicleCategory.LOW_SPEED_TRUCK,
        VehicleCategory.TRICYCLE,
        VehicleCategory.E_BIKE,
    }
)


class Business(enum.StrEnum):
    """The business the check is made for (十一)."""

    REGISTRATION = "REGISTRATION"  # 机动车登记
    INSPECTION_MARK = "INSPECTION_MARK"  # 核发检验合格标志


class Outcome(enum.StrEnum):
    """What the online check found: FOUND, or why not (a recorded failure, 十一-三)."""

    FOUND = "FOUND"
    NOT_FOUND = "NOT_FOUND"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"


class FailureCause(enum.StrEnum):
    """Why a check failed, as the insurer or the office finds it (十一-三: 核查失败数据的主要问题)."""

    POLICY_NOT_UPLOADED = "POLICY_NOT_UPLOADED"  # 保单信息未及时上传
    VIN_MISMATCH = "VIN_MISMATCH"  # 车辆识别代号录入错误
    DATES_WRONG = "DATES_WRONG"  # 保险起止日期错误
    POLICY_LAPSED = "POLICY_LAPSED"  # 确已脱保、未续保
    SOURCE_OUTAGE = "SOURCE_OUTAGE"  # 数据接口故障
    RECHECK_FOUND = "RECHECK_FOUND"  # 复核已查到 (set by a later check, not chosen)
    OTHER = "OTHER"


class Resolution(enum.StrEnum):
    """A failed check's follow-up: OPEN until resolved (FOUND checks have none)."""

    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


FAILURES = (
    Outcome.NOT_FOUND,
    Outcome.EXPIRED,
    Outcome.NOT_YET_VALID,
    Outcome.SOURCE_UNAVAILABLE,
)


@dataclass(frozen=True)
class Policy:
    """One 交强险 policy as the data source reports it."""

    policy_number: str
    insurer_name: str
    valid_from: dt.date
    valid_until: dt.date  # last day covered


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    policy: Policy | None  # the covering policy, or the one that explains the failure

    @property
    def paper_required(self) -> bool:
        """Found means no paper certificate for 交强险 and 车船税 (十一-一)."""
        return self.outcome is not Outcome.FOUND


def check_scope(category: str) -> None:
    """Motorcycles, low-speed trucks and tricycles are outside the online check (十一-一)."""
    if VehicleCategory(category) in PAPER_ONLY:
        raise RuleError(
            InsuranceCheckErrorCode.ONLINE_CHECK_NOT_APPLICABLE,
            f"{category} is not checked online: the paper 交强险 certificate is still required.",
            field="vin",
        )


def evaluate(policies: Sequence[Policy], day: dt.date) -> Verdict:
    """FOUND when a policy covers `day` (both ends inclusive); else why not."""
    covering = [p for p in policies if p.valid_from <= day <= p.valid_until]
    if covering:
        return Verdict(Outcome.FOUND, max(covering, key=lambda p: p.valid_until))
    future = [p for p in policies if p.valid_from > day]
    if future:
        return Verdict(Outcome.NOT_YET_VALID, min(future, key=lambda p: p.valid_from))
    past = [p for p in policies if p.valid_until < day]
    if past:
        return Verdict(Outcome.EXPIRED, max(past, key=lambda p: p.valid_until))
    return Verdict(Outcome.NOT_FOUND, None)


def week_start(day: dt.date) -> dt.date:
    """The Monday of `day`'s week (the weekly report's bucket)."""
    return day - dt.timedelta(days=day.weekday())


InsuranceCheckErrorCode.cites(
    {
        InsuranceCheckErrorCode.ONLINE_CHECK_NOT_APPLICABLE: Rule.SCOPE,
    }
)
