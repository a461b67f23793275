"""Pure rules of M11: which vehicles are checked online, and what a set of policies means today."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

from core.errors import RuleError
from core.registries.vehicles import MOTORCYCLES, VehicleCategory
from plugins.insurance_check.errors import Err, Rule

MEASURE = "insurance_check"
EFFECTIVE = dt.date(2021, 6, 1)

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
    REGISTRATION = "REGISTRATION"  # 机动车登记
    INSPECTION_MARK = "INSPECTION_MARK"  # 核发检验合格标志


class Outcome(enum.StrEnum):
    FOUND = "FOUND"
    NOT_FOUND = "NOT_FOUND"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"


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
            Err.ONLINE_CHECK_NOT_APPLICABLE,
            f"{category} is not checked online: the paper 交强险 certificate is still required.",
            field="vin",
            rule=Rule.SCOPE,
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
