"""Pure rules of licence monitoring: the events, a licence's state, what a partner may be told.

Events follow the licence status codes of the registry (core/registries/licences.py) and the live
status of the e-licence (M01 2021-一-五: VALID / INVALID / SUSPENDED, with the reasons):

    SUSPENDED                 the licence became unusable for now (暂扣, 记分满分 — 12 points, whatever
                              the status says —, 逾期未审验/换证), as the e-licence's live status reads it
    REVOKED                   吊销
    CANCELLED                 注销 / 注销可恢复
    EXPIRED                   past its 有效期限
    RESTORED                  valid again after any of the above
    POINTS_THRESHOLD_REACHED  累积记分 reached 12 (满分)
    EXPIRING                  within 90 days of its 有效期限 (when renewal may be applied for:
                              机动车驾驶证申领和使用规定 第五十八条, 有效期满前九十日内)
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from core.errors import ErrorCode
from core.registries.licences import LicenceStatus

POINTS_LIMIT = 12  # 累积记分满分
EXPIRING_DAYS = 90  # renewal opens 90 days before the end of validity
MAX_REGISTRATION_DAYS = 1095  # the longest period an administrator may register (3 years)
MAX_PURPOSE = 100
MAX_REFERENCE = 64
MONITORING_KINDS = frozenset({"INSURER", "RENTAL", "EMPLOYER"})  # PartnerKind values that monitor


class MonitoringErrorCode(ErrorCode):
    """Refusals of licence monitoring (docs/partners.md lists each)."""

    MONITORING_NOT_REGISTERED = "MONITORING_NOT_REGISTERED"  # the partner may not monitor
    MONITORING_KIND_NOT_ALLOWED = (
        "MONITORING_KIND_NOT_ALLOWED"  # a kind of firm that cannot monitor
    )
    MONITORING_PERIOD_TOO_LONG = "MONITORING_PERIOD_TOO_LONG"  # beyond the registration's maximum
    MONITORING_EVENT_NOT_ALLOWED = "MONITORING_EVENT_NOT_ALLOWED"  # discloses what it may not see
    MONITORING_GRANT_EXISTS = "MONITORING_GRANT_EXISTS"  # one active grant per partner and licence
    MONITORING_NO_LICENCE = "MONITORING_NO_LICENCE"  # the caller holds no such licence
    MONITORING_GRANT_NOT_ACTIVE = "MONITORING_GRANT_NOT_ACTIVE"  # already revoked or expired
    WEBHOOK_URL_INVALID = (
        "WEBHOOK_URL_INVALID"  # not public https (http only to loopback, development)
    )


R_CONSENT = (
    "core: monitoring needs the holder's grant (purpose, partner, period) and stops when it ends"
)
R_PERIOD = "core: a grant lasts at most the period the partner's monitoring registration allows"
R_CLAIMS = "core: a partner is told only what its registration's allowed claims let it see"
R_REGISTERED = "core: only firms an administrator registered for monitoring may be granted it"
R_NO_INTERNAL = "core: webhooks go only to public https endpoints, never to an address inside"


class MonitoringEvent(enum.StrEnum):
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"
    RESTORED = "RESTORED"
    POINTS_THRESHOLD_REACHED = "POINTS_THRESHOLD_REACHED"
    EXPIRING = "EXPIRING"


class GrantStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"  # by the holder
    EXPIRED = "EXPIRED"  # its period ended


class Condition(enum.StrEnum):
    """A licence's condition as monitoring sees it."""

    VALID = "VALID"
    SUSPENDED = "SUSPENDED"
    REVOKED = "REVOKED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


_CONDITION = {
    LicenceStatus.NORMAL: Condition.VALID,
    LicenceStatus.REVOKED: Condition.REVOKED,
    LicenceStatus.CANCELLED: Condition.CANCELLED,
    LicenceStatus.CANCELLED_RESTORABLE: Condition.CANCELLED,
    LicenceStatus.SEIZED: Condition.SUSPENDED,
    LicenceStatus.POINTS_EXCEEDED: Condition.SUSPENDED,
    LicenceStatus.OVERDUE_RENEWAL: Condition.SUSPENDED,
    LicenceStatus.OVERDUE_REVIEW: Condition.SUSPENDED,
}

# the partner's allowed claims (PartnerOrg.allowed_claims, the same names as in verification)
# that each event discloses: an event is offered only to a partner allowed all of them
DISCLOSES: dict[MonitoringEvent, frozenset[str]] = {
    MonitoringEvent.SUSPENDED: frozenset({"status"}),
    MonitoringEvent.REVOKED: frozenset({"status"}),
    MonitoringEvent.CANCELLED: frozenset({"status"}),
    MonitoringEvent.EXPIRED: frozenset({"status"}),
    MonitoringEvent.RESTORED: frozenset({"status"}),
    MonitoringEvent.POINTS_THRESHOLD_REACHED: frozenset({"points_below_12"}),
    MonitoringEvent.EXPIRING: frozenset({"valid_until"}),
}


@dataclass(frozen=True)
class LicenceState:
    """What monitoring last told (or would tell) about one licence: stored on the grant as
    `{"c": condition, "p": points reached 12, "e": expiring}`."""

    condition: Condition
    points_full: bool
    expiring: bool

    def stored(self) -> dict[str, object]:
        return {"c": self.condition.value, "p": self.points_full, "e": self.expiring}

    @classmethod
    def from_stored(cls, value: dict[str, object]) -> LicenceState:
        return cls(Condition(str(value["c"])), bool(value["p"]), bool(value["e"]))


def licence_state(status: str, points: int, valid_until: dt.date, today: dt.date) -> LicenceState:
    """The state of a licence on `today` (China date) from its registry record."""
    try:
        condition = _CONDITION[LicenceStatus(status)]
    except (ValueError, KeyError):
        condition = Condition.SUSPENDED  # an unknown status is never reported as valid
    if points >= POINTS_LIMIT and condition is Condition.VALID:
        condition = Condition.SUSPENDED  # 12 points suspend the licence at once, as M01 reads it
    if valid_until < today and condition in (Condition.VALID, Condition.SUSPENDED):
        condition = Condition.EXPIRED
    expiring = (
        condition in (Condition.VALID, Condition.SUSPENDED)
        and (valid_until - today).days <= EXPIRING_DAYS
    )
    return LicenceState(condition, points >= POINTS_LIMIT, expiring)


_BECAME = {
    Condition.SUSPENDED: MonitoringEvent.SUSPENDED,
    Condition.REVOKED: MonitoringEvent.REVOKED,
    Condition.CANCELLED: MonitoringEvent.CANCELLED,
    Condition.EXPIRED: MonitoringEvent.EXPIRED,
    Condition.VALID: MonitoringEvent.RESTORED,
}


def events_between(old: LicenceState, new: LicenceState) -> list[MonitoringEvent]:
    """The events that take a partner told `old` to `new`, in a fixed order."""
    found: list[MonitoringEvent] = []
    if new.condition is not old.condition:
        found.append(_BECAME[new.condition])
    if new.points_full and not old.points_full:
        found.append(MonitoringEvent.POINTS_THRESHOLD_REACHED)
    if new.expiring and not old.expiring:
        found.append(MonitoringEvent.EXPIRING)
    return found


def offered_events(allowed_claims: Iterable[str]) -> list[MonitoringEvent]:
    """The events a partner with these allowed claims may be told of."""
    claims = set(allowed_claims)
    return [event for event in MonitoringEvent if DISCLOSES[event] <= claims]
