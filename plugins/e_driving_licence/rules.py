"""Pure rules of M01 (no database, no GraphQL). Each refusal names the seed clause."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from core.documents import issuing
from core.errors import Code, RuleError
from core.registries.licences import LicenceStatus

from .errors import EDrivingLicenceErrorCode

MEASURE = "e_driving_licence"  # the plugin's slug: its folder, its actions' prefix
EFFECTIVE = dt.date(2021, 6, 1)  # the 2021 items take effect; issuance is a pilot (一 "试点")
# Issuance rollout by default (verification is valid nationwide at every date, 一-五-2):
# - pilot from 2021-06-01 in cities the provinces configure (the seed's pilot list, 附件1, is not
#   in the seeds), nothing by default;
# - from 2021-09-01 the 28 cities of the 2021-08 news, of which it names three: Beijing, Changchun,
#   Nanning ("北京、长春、南宁等28个城市推广应用机动车驾驶证电子化"); the other 25 are configured
#   by their provinces;
# - nationwide from 2022-01-01 (news of 2021-10: "确保在2022年全面推行"; our reading: from the
#   start of 2022).
EXPANSION_FROM = dt.date(2021, 9, 1)
EXPANSION_CITIES = ("110100", "220100", "450100")  # 北京, 长春, 南宁: those the news names
NATIONWIDE_FROM = dt.date(2022, 1, 1)
R_EXPANSION = "M01 news 2021-08-20: 9月1日起，北京、长春、南宁等28个城市推广应用机动车驾驶证电子化"
R_NATIONWIDE_ROLLOUT = "M01 news 2021-10-08: 加大电子驾驶证推广力度，确保在2022年全面推行"
POINTS_LIMIT = 12  # 累积记分满分 (12 points)
WINDOW_MINUTES = 3  # each QR payload is valid for a few minutes: a screenshot goes stale
MAX_BATCH = 10  # the app may fetch up to 10 windows ahead (30 minutes offline)

R_EQUAL_FORCE = "M01 2021-一-五-1: 电子驾驶证与纸质驾驶证具有同等法律效力"
R_SEIZURE = "M01 2021-一-五-1: 有需要扣留驾驶证情形的，仍需要出示纸质驾驶证"
R_NATIONWIDE = "M01 2021-一-五-2: 电子驾驶证在全国范围内有效"
R_UNIFORM = "M01 2021-一-五-3: 启用统一的电子驾驶证后，不得继续使用本地发放的其他驾驶证电子版本"
R_PAPER = "M01 2021-一-五-4: 公安交管部门仍按规定核发纸质驾驶证"
R_PHOTO = "M01 2021-一-三-1: 及时受理电子驾驶证申请，及时审核电子照片"
R_ONE_LICENCE = f"{R_UNIFORM} (one live e-licence and one open application per licence)"
R_APP = "M01 2021-一-五-3: 通过统一的“交管12123”APP发放"
# Partners check the licence online (README: the 2021-10 news "相关单位在线核验驾驶资质"; 一-四-3):
# only the claims their registration allows, or those the holder consents to with a share code.
R_PARTNER_CHECK = "M01 2021-一-四-3: 相关单位在线核验驾驶资质"
R_PARTNER_CLAIMS = f"{R_PARTNER_CHECK} (partner registration)"
R_SHARE_CODE = f"{R_PARTNER_CHECK} (the holder's one-time share code: consent to more claims)"

VALID, INVALID, SUSPENDED = 0, 1, 2  # the codes of the status lists and of claim 9


class LiveStatus(enum.StrEnum):
    """The e-licence's status, live from the licence record (the names of the codes above)."""

    VALID = "VALID"
    INVALID = "INVALID"
    SUSPENDED = "SUSPENDED"


STATUS_NAMES = {  # plain strings: they are signed into receipts (CBOR) and claim values
    VALID: LiveStatus.VALID.value,
    INVALID: LiveStatus.INVALID.value,
    SUSPENDED: LiveStatus.SUSPENDED.value,
}


class Presented(enum.StrEnum):
    """What the driver presented at a roadside check (一-五-1: seizure needs the paper licence)."""

    PAPER = "PAPER"
    E_LICENCE = "E_LICENCE"


_INVALID = {
    LicenceStatus.REVOKED: "REVOKED",
    LicenceStatus.CANCELLED: "CANCELLED",
    LicenceStatus.CANCELLED_RESTORABLE: "CANCELLED",
}
_SUSPENDED = {
    LicenceStatus.SEIZED: "SUSPENDED",
    LicenceStatus.POINTS_EXCEEDED: "POINTS_EXCEEDED",
    LicenceStatus.OVERDUE_RENEWAL: "OVERDUE_RENEWAL",
    LicenceStatus.OVERDUE_REVIEW: "OVERDUE_REVIEW",
}


def live_status(
    status: str, valid_until: dt.date, points: int, today: dt.date
) -> tuple[int, list[str]]:
    """The e-licence status from the registry record: VALID, INVALID or SUSPENDED, with reasons
    (REVOKED, CANCELLED, SUSPENDED, POINTS_EXCEEDED, EXPIRED, OVERDUE_*)."""
    reasons: list[str] = []
    code = VALID
    try:
        st = LicenceStatus(status)
    except ValueError:
        return INVALID, ["UNKNOWN_STATUS"]
    if st in _INVALID:
        code = INVALID
        reasons.append(_INVALID[st])
    elif st in _SUSPENDED:
        code = SUSPENDED
        reasons.append(_SUSPENDED[st])
    if points >= POINTS_LIMIT and "POINTS_EXCEEDED" not in reasons:
        code = max(code, SUSPENDED) if code != INVALID else INVALID
        reasons.append("POINTS_EXCEEDED")
    if valid_until < today:
        code = INVALID
        reasons.append("EXPIRED")
    return code, reasons


def require_real_person(verified_at: dt.datetime | None) -> None:
    if verified_at is None:
        raise RuleError(
            EDrivingLicenceErrorCode.REAL_PERSON_REQUIRED,
            "Complete the real-person (face) check in the app before applying.",
            field="licenceId",
            measure=MEASURE,
        )


def require_issuable(status: str, valid_until: dt.date, points: int, today: dt.date) -> None:
    """An e-licence mirrors a paper licence of equal force: none for a revoked, cancelled or
    expired licence (a suspended one is issued and shows its status)."""
    code, reasons = live_status(status, valid_until, points, today)
    if code == INVALID:
        raise RuleError(
            EDrivingLicenceErrorCode.LICENCE_NOT_ISSUABLE,
            f"This licence cannot carry an e-licence ({', '.join(reasons)}).",
            field="licenceId",
            measure=MEASURE,
        )


def require_paper_for_seizure(presented: str) -> None:
    if presented != Presented.PAPER:
        raise RuleError(
            EDrivingLicenceErrorCode.SEIZURE_NEEDS_PAPER,
            "A licence can only be seized (扣留) on the paper licence; the e-licence is not enough.",
            field="presented",
            measure=MEASURE,
        )


def refuse_local_version(in_force: bool, city_code: str, day: dt.date) -> None:
    if in_force:
        raise RuleError(
            EDrivingLicenceErrorCode.LOCAL_VERSION_REFUSED,
            f"City {city_code} uses the unified e-licence: local electronic versions are refused.",
            field="city",
            measure=MEASURE,
            city=city_code,
            date=day,
        )


def windows(now: dt.datetime, count: int, minutes: int = WINDOW_MINUTES) -> list[tuple[int, int]]:
    """Consecutive (iat, exp) epoch-second windows from `now`, for a batch of rotating payloads
    (INVALID_INPUT outside 1..MAX_BATCH)."""
    return issuing.windows(now, count, minutes * 60, MAX_BATCH)


CLAIMS = ("status", "classes", "valid_until", "first_issue_date", "points_below_12", "holds_class")


def disclosed_claims(
    requested: Iterable[str] | None,
    allowed: Iterable[str],
    consented: Iterable[str] = (),
    holds_class: str | None = None,
) -> list[str]:
    """The claims a partner gets: what it asked for (default: all its registration allows, less
    the `holds_class` predicate when no class was asked about), each allowed by its registration
    or by the holder's consent; else a typed refusal. Asking for `holds_class` without a class is
    INVALID_INPUT on `holdsClass`."""
    allowed_set = set(allowed) | set(consented)
    wanted = (
        list(dict.fromkeys(requested))
        if requested is not None
        else [c for c in CLAIMS if c in allowed_set and (c != "holds_class" or holds_class)]
    )
    if "holds_class" in wanted and not holds_class:
        raise RuleError(
            Code.INVALID_INPUT,
            "Say which class the holds_class predicate asks about (holdsClass).",
            field="holdsClass",
        )
    for name in wanted:
        if name not in CLAIMS:
            raise RuleError(Code.INVALID_INPUT, f"Unknown claim {name[:30]!r}.", field="claims")
        if name not in allowed_set:
            raise RuleError(
                EDrivingLicenceErrorCode.CLAIM_NOT_ALLOWED,
                f"Your registration does not allow the claim {name!r} and the holder did not consent.",
                field="claims",
                measure=MEASURE,
            )
    return wanted


def claim_values(
    names: Iterable[str],
    *,
    code: int,
    classes: list[str],
    valid_until: dt.date,
    first_issue_date: dt.date,
    points: int,
    holds_class: str | None,
) -> dict[str, str]:
    """The values (or yes/no predicate answers) of the disclosed claims."""
    out: dict[str, str] = {}
    for name in names:
        if name == "status":
            out[name] = STATUS_NAMES[code]
        elif name == "classes":
            out[name] = " ".join(classes)
        elif name == "valid_until":
            out[name] = valid_until.isoformat()
        elif name == "first_issue_date":
            out[name] = first_issue_date.isoformat()
        elif name == "points_below_12":
            out[name] = "YES" if points < POINTS_LIMIT else "NO"
        elif name == "holds_class":
            wanted = (holds_class or "").upper()
            ok = code == VALID and wanted in classes
            out[name] = f"{wanted}:{'YES' if ok else 'NO'}"
    return out


EDrivingLicenceErrorCode.cites(
    {
        EDrivingLicenceErrorCode.REAL_PERSON_REQUIRED: f"{R_PHOTO} (实人认证)",
        EDrivingLicenceErrorCode.LICENCE_NOT_ISSUABLE: R_EQUAL_FORCE,
        EDrivingLicenceErrorCode.NOT_ISSUED: R_APP,
        EDrivingLicenceErrorCode.SEIZURE_NEEDS_PAPER: R_SEIZURE,
        EDrivingLicenceErrorCode.LOCAL_VERSION_REFUSED: R_UNIFORM,
        EDrivingLicenceErrorCode.CLAIM_NOT_ALLOWED: R_PARTNER_CLAIMS,
        EDrivingLicenceErrorCode.SHARE_CODE_INVALID: R_SHARE_CODE,
    }
)
