"""Pure rules of M13 (no database, no GraphQL). Each refusal names the seed clause."""

from __future__ import annotations

import datetime as dt
import enum

from core.errors import Code, RuleError
from core.registries.vehicles import VehicleStatus

from .errors import EVehicleLicenceErrorCode

MEASURE = "e_vehicle_licence"  # the plugin's slug: its folder, its actions' prefix
EFFECTIVE = dt.date(2024, 7, 1)
MAX_GRANT_DAYS = 366  # platform choice: a grant is time-boxed to at most one year

R_NATIONWIDE = "M13 2024-一-五-1: 电子行驶证在全国范围内有效"
R_UNIFORM = "M13 2024-一-五-2: 电子行驶证式样全国统一，统一通过“交管12123”APP发放"
R_LOCAL = (
    "M13 2024-一-五-2: 各地按照部署启用统一的电子行驶证后，不得继续使用本地发放的其他行驶证电子版本"
)
R_PAPER = "M13 2024-一-五-3: 机动车上路行驶应随车携带纸质行驶证"
R_WARNING = "M13 2024-一-五-3: 能够出具电子行驶证的，可以予以提示教育或警告，不得处以罚款处罚"
R_PER_LAW = "M13 2024-一-五-3: 既不能出具纸质行驶证也不能出具电子行驶证的，要依法处理"
R_FILED_USER = "M13 2024-一-五-4: 被授权人应当是备案该机动车的用户"
R_AFTER_FILING = "M13 2024-一-五-4: 只能处理备案之后发生的交通违法行为"
R_NON_SITE = "M13 2024-一-五-4: 机动车所有人授权他人处理非现场交通违法"
R_REVIEW = "M13 2024-一-三-1: 及时在线答复群众疑难问题 (online application handled by staff)"
R_ONE_LICENCE = f"{R_UNIFORM} (one live e-licence and one open application per vehicle)"
R_HANDLED_ONCE = f"{R_NON_SITE} (a violation is handled once)"
R_VALIDITY = (
    "M13 2024-一-五-3: 机动车行驶证是准予机动车上路行驶的法定证件 (valid through its inspection "
    "date, claim 10 of VL1:, in Beijing time; as M01 for a licence past its validUntil)"
)
DOCUMENT_EXPIRED = "DOCUMENT_EXPIRED"  # the reason, as the offline verifier's (docs/partners.md)

VALID, INVALID, SUSPENDED = 0, 1, 2
STATUS_NAMES = {VALID: "VALID", INVALID: "INVALID", SUSPENDED: "SUSPENDED"}


def live_status(status: str) -> tuple[int, list[str]]:
    """The e-vehicle-licence status from the live vehicle record."""
    if status == VehicleStatus.NORMAL.value:
        return VALID, []
    if status in (VehicleStatus.DEREGISTERED.value, VehicleStatus.TRANSFERRED.value):
        return INVALID, [status]
    return SUSPENDED, [status]  # SEIZED, SCRAP_DUE, STOLEN


def document_expired(valid_until: dt.date | None, signed_until: int, today: dt.date) -> bool:
    """Whether the licence's validity ended before `today` (a Beijing date, R_VALIDITY): the
    registry's inspection date `valid_until` or the one the payload carries (claim 10, YYYYMMDD,
    0: none), whichever ended first, as the offline verifier checks claim 10, so that an online
    check never accepts what an offline one refuses. Valid through its last day."""
    day = int(today.strftime("%Y%m%d"))
    live = int(valid_until.strftime("%Y%m%d")) if valid_until is not None else 0
    return 0 < live < day or 0 < signed_until < day


def require_issuable(status: str) -> None:
    code, reasons = live_status(status)
    if code == INVALID:
        raise RuleError(
            EVehicleLicenceErrorCode.VEHICLE_NOT_ISSUABLE,
            f"This vehicle cannot carry an e-vehicle licence ({', '.join(reasons)}).",
            field="vehicleId",
            measure=MEASURE,
        )


class Presented(enum.StrEnum):
    """What the driver presented at a roadside check (2024-一-五-3)."""

    PAPER = "PAPER"
    E_LICENCE = "E_LICENCE"
    NONE = "NONE"


class RoadsideOutcome(enum.StrEnum):
    """The outcome of a roadside check of the vehicle licence (2024-一-五-3)."""

    COMPLIANT = "COMPLIANT"  # the paper licence is carried
    WARNING_NO_FINE = "WARNING_NO_FINE"  # only a valid e-licence: 提示教育或警告, no fine
    HANDLE_PER_LAW = "HANDLE_PER_LAW"  # neither (or an e-licence that does not verify): 依法处理


def roadside_outcome(presented: str, e_licence_valid: bool) -> tuple[RoadsideOutcome, bool, str]:
    """(outcome, fine allowed, rule) of a roadside check of the vehicle licence (2024-一-五-3).

    Paper carried: compliant. Only a valid e-licence: warning / education, never a fine. Neither
    (or an e-licence that does not verify): handled per law."""
    if presented == Presented.PAPER:
        return RoadsideOutcome.COMPLIANT, False, R_PAPER
    if presented == Presented.E_LICENCE and e_licence_valid:
        return RoadsideOutcome.WARNING_NO_FINE, False, R_WARNING
    return RoadsideOutcome.HANDLE_PER_LAW, True, R_PER_LAW


def require_grant_window(today: dt.date, valid_until: dt.date) -> None:
    """A grant ends after today and at most MAX_GRANT_DAYS ahead (revocable, time-boxed)."""
    if valid_until <= today or valid_until > today + dt.timedelta(days=MAX_GRANT_DAYS):
        raise RuleError(
            EVehicleLicenceErrorCode.GRANT_WINDOW,
            f"`validUntil` must be after today and at most {MAX_GRANT_DAYS} days ahead.",
            field="validUntil",
            measure=MEASURE,
        )


def require_handleable(
    on_site: bool, occurred_at: dt.datetime, filed_at: dt.datetime, status: str
) -> None:
    """A grantee handles only non-site violations that occurred at or after the filing time."""
    if on_site:
        raise RuleError(
            EVehicleLicenceErrorCode.ON_SITE_VIOLATION,
            "Only non-site (camera) violations can be handled by an authorised user.",
            field="violationId",
            measure=MEASURE,
        )
    if occurred_at < filed_at:
        raise RuleError(
            EVehicleLicenceErrorCode.BEFORE_FILING,
            "The violation occurred before you were filed as a user of this vehicle.",
            field="violationId",
            measure=MEASURE,
        )
    if status != "UNHANDLED":
        raise RuleError(
            EVehicleLicenceErrorCode.ALREADY_HANDLED,
            "Already handled.",
            field="violationId",
            measure=MEASURE,
        )


def parse_presented(value: str) -> str:
    if value not in (Presented.PAPER, Presented.E_LICENCE, Presented.NONE):
        raise RuleError(Code.INVALID_INPUT, "Unknown presentation.", field="presented")
    return value


def refuse_local_version(in_force: bool, city_code: str, day: dt.date) -> None:
    """A local electronic vehicle-licence version is refused where the unified e-vehicle licence
    is in force on `day` (2024-一-五-2), as M01 does for driving licences (2021-一-五-3)."""
    if in_force:
        raise RuleError(
            EVehicleLicenceErrorCode.LOCAL_VERSION_REFUSED,
            f"City {city_code} uses the unified e-vehicle licence: local electronic versions are "
            "refused.",
            field="city",
            measure=MEASURE,
            city=city_code,
            date=day,
        )


EVehicleLicenceErrorCode.cites(
    {
        EVehicleLicenceErrorCode.REAL_PERSON_REQUIRED: f"{R_UNIFORM} (实人认证)",
        EVehicleLicenceErrorCode.VEHICLE_NOT_ISSUABLE: R_UNIFORM,
        EVehicleLicenceErrorCode.NOT_ISSUED: R_UNIFORM,
        EVehicleLicenceErrorCode.NOT_A_FILED_USER: R_FILED_USER,
        EVehicleLicenceErrorCode.GRANT_WINDOW: f"{R_NON_SITE} (time-boxed grant)",
        EVehicleLicenceErrorCode.NO_ACTIVE_GRANT: R_NON_SITE,
        EVehicleLicenceErrorCode.ON_SITE_VIOLATION: R_NON_SITE,
        EVehicleLicenceErrorCode.BEFORE_FILING: R_AFTER_FILING,
        EVehicleLicenceErrorCode.ALREADY_HANDLED: R_HANDLED_ONCE,
        EVehicleLicenceErrorCode.LOCAL_VERSION_REFUSED: R_LOCAL,
    }
)
