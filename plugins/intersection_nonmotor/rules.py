"""Pure rules of M18 (2024 item 六): the consistency of an intersection's non-motor design, key
intersections, staffing and enforcement records. No database, no GraphQL."""

from __future__ import annotations

import datetime as dt
import enum
import math
from dataclasses import dataclass, field

from core.errors import Code, RuleError

from .errors import IntersectionErrorCode

MEASURE = "intersection_nonmotor"  # the plugin's slug: its folder, its actions' prefix
R_STOP = "M18 2024-六-一: 规范施划非机动车停止线，科学设置非机动车等候区"
R_SPACE = "M18 2024-六-一: 因等候区空间不足导致越线停车、占用机动车道问题突出的，要采取扩大非机动车等候区面积、设置机非隔离设施等措施"
R_ONE = "M18 2024-六-二: 采取左转一次过街的，要设置非机动车左转信号灯、施划路口导向线"
R_ONE_LANE = "M18 2024-六-二: 车道宽度足够的可设置非机动车左转专用车道"
R_TWO = "M18 2024-六-二: 采取左转二次过街的，要设置适应非机动车停车等候需求的等候区，避免排队溢出"
R_TWO_MARK = "M18 2024-六-二: 合理施划非机动车禁驶区、导向线，设置非机动车信号灯、引导二次过街标志"
R_KEY = "M18 2024-六-三: 对流量大、秩序乱、事故多的路口，要增派警力和协管员、志愿者维护通行秩序"
R_ENFORCE = (
    "M18 2024-六-三: 加大对非机动车闯红灯、逆行、在机动车道行驶等严重交通违法行为的现场查纠力度"
)
R_STOP_LINE = "M18 2024-六-三: 加大非机动车越过停止线等候行为管理力度，坚持劝导和宣传并重"
R_WINDOW = (
    "M18 platform rule (seed silent): records are entered within the record window, never ahead"
)


class LeftTurn(enum.StrEnum):
    ONE_STAGE = "ONE_STAGE"  # 左转一次过街
    TWO_STAGE = "TWO_STAGE"  # 左转二次过街


class Separation(enum.StrEnum):
    NONE = "NONE"
    MARKING = "MARKING"  # 标线隔离
    PHYSICAL = "PHYSICAL"  # 机非隔离设施


class KeyReason(enum.StrEnum):
    HIGH_FLOW = "HIGH_FLOW"  # 流量大
    DISORDER = "DISORDER"  # 秩序乱
    ACCIDENTS = "ACCIDENTS"  # 事故多


class ViolationKind(enum.StrEnum):
    RED_LIGHT = "RED_LIGHT"  # 闯红灯
    WRONG_WAY = "WRONG_WAY"  # 逆行
    MOTOR_LANE = "MOTOR_LANE"  # 在机动车道行驶
    STOP_LINE = "STOP_LINE"  # 越过停止线等候


class EnforcementAction(enum.StrEnum):
    FINE = "FINE"  # 处罚
    ON_SITE_CORRECTION = "ON_SITE_CORRECTION"  # 现场纠正
    PERSUASION = "PERSUASION"  # 劝导
    REMOTE_BROADCAST = "REMOTE_BROADCAST"  # 视频巡查+扩音器远程喊话


SERIOUS = frozenset({ViolationKind.RED_LIGHT, ViolationKind.WRONG_WAY, ViolationKind.MOTOR_LANE})


@dataclass(frozen=True)
class Design:
    """An intersection's non-motor design (one approach taken as representative)."""

    stop_line: bool
    waiting_area_m2: float
    peak_waiting_bikes: int
    separation: Separation
    cross_line_problem: bool
    left_turn: LeftTurn
    left_turn_signal: bool = False
    non_motor_signal: bool = False
    guide_lines: bool = False
    dedicated_left_lane: bool = False
    left_lane_width_m: float | None = None
    second_stage_area_m2: float | None = None
    peak_left_turn_bikes: int | None = None
    no_entry_zone: bool = False
    two_stage_sign: bool = False
    guide_lanes_in_waiting_area: bool = False


@dataclass
class Findings:
    violations: list[RuleError] = field(default_factory=list)
    advice: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.violations


def capacity(area_m2: float | None, area_per_bike_m2: float) -> int:
    """How many non-motor vehicles an area holds."""
    if not area_m2 or area_m2 <= 0:
        return 0
    return math.floor(area_m2 / area_per_bike_m2 + 1e-9)


def check_design(d: Design, area_per_bike_m2: float, min_left_lane_m: float) -> Findings:
    """Every finding of the design against 六-一 and 六-二 (all of them, not just the first)."""
    out = Findings()

    def bad(code: str, message: str, fld: str, rule: str) -> None:
        out.violations.append(RuleError(code, message, field=fld, rule=rule))

    if not d.stop_line:
        bad(
            IntersectionErrorCode.DESIGN_INCOMPLETE,
            "Mark a non-motor stop line.",
            "stopLine",
            R_STOP,
        )
    if d.waiting_area_m2 <= 0:
        bad(
            IntersectionErrorCode.DESIGN_INCOMPLETE,
            "Set a non-motor waiting area.",
            "waitingAreaM2",
            R_STOP,
        )
    elif (
        d.cross_line_problem
        and capacity(d.waiting_area_m2, area_per_bike_m2) < d.peak_waiting_bikes
        and d.separation is not Separation.PHYSICAL
    ):
        bad(
            IntersectionErrorCode.WAITING_AREA_TOO_SMALL,
            f"Waiting area holds {capacity(d.waiting_area_m2, area_per_bike_m2)} of "
            f"{d.peak_waiting_bikes} waiting vehicles while riders stop over the line: enlarge it "
            "or install physical separation.",
            "waitingAreaM2",
            R_SPACE,
        )
    if d.left_turn is LeftTurn.ONE_STAGE:
        if not d.left_turn_signal:
            bad(IntersectionErrorCode.DESIGN_INCOMPLETE, "One-stage left turn needs a non-motor left-turn signal.",
                "leftTurnSignal", R_ONE)  # fmt: skip
        if not d.guide_lines:
            bad(
                IntersectionErrorCode.DESIGN_INCOMPLETE,
                "One-stage left turn needs guide lines.",
                "guideLines",
                R_ONE,
            )
        if d.dedicated_left_lane and (d.left_lane_width_m or 0) < min_left_lane_m:
            bad(IntersectionErrorCode.DESIGN_INCONSISTENT,
                f"A dedicated left-turn lane needs at least {min_left_lane_m} m of width.",
                "leftLaneWidthM", R_ONE_LANE)  # fmt: skip
        if d.second_stage_area_m2 or d.two_stage_sign:
            bad(IntersectionErrorCode.DESIGN_INCONSISTENT,
                "A second-stage waiting area or two-stage sign contradicts a one-stage left turn.",
                "secondStageAreaM2" if d.second_stage_area_m2 else "twoStageSign", R_ONE)  # fmt: skip
    else:
        if d.dedicated_left_lane:
            bad(IntersectionErrorCode.DESIGN_INCONSISTENT,
                "A dedicated left-turn lane belongs to a one-stage left turn.",
                "dedicatedLeftLane", R_ONE_LANE)  # fmt: skip
        if not d.second_stage_area_m2 or d.second_stage_area_m2 <= 0:
            bad(IntersectionErrorCode.DESIGN_INCOMPLETE, "Two-stage left turn needs a second-stage waiting area.",
                "secondStageAreaM2", R_TWO)  # fmt: skip
        elif d.peak_left_turn_bikes is None:
            bad(IntersectionErrorCode.DESIGN_INCOMPLETE, "Give the peak number of left-turning non-motor vehicles.",
                "peakLeftTurnBikes", R_TWO)  # fmt: skip
        elif capacity(d.second_stage_area_m2, area_per_bike_m2) < d.peak_left_turn_bikes:
            bad(IntersectionErrorCode.WAITING_AREA_TOO_SMALL,
                f"The second-stage area holds {capacity(d.second_stage_area_m2, area_per_bike_m2)} "
                f"of {d.peak_left_turn_bikes} left-turning vehicles: the queue would overflow.",
                "secondStageAreaM2", R_TWO)  # fmt: skip
        if not (d.no_entry_zone or d.guide_lines):
            bad(
                IntersectionErrorCode.DESIGN_INCOMPLETE,
                "Mark a no-entry zone or guide lines.",
                "noEntryZone",
                R_TWO_MARK,
            )
        if not d.non_motor_signal:
            bad(IntersectionErrorCode.DESIGN_INCOMPLETE, "Two-stage left turn needs non-motor signals.",
                "nonMotorSignal", R_TWO_MARK)  # fmt: skip
        if not d.two_stage_sign:
            bad(IntersectionErrorCode.DESIGN_INCOMPLETE, "Two-stage left turn needs a two-stage guide sign.",
                "twoStageSign", R_TWO_MARK)  # fmt: skip
        if not d.guide_lanes_in_waiting_area:
            out.advice.append("鼓励在等候区设置非机动车导向车道 (M18 2024-六-二)")
    if d.separation is Separation.NONE:
        out.advice.append("可考虑设置机非隔离设施以减少机非干扰 (M18 2024-六-一)")
    return out


def check_key_reasons(reasons: list[KeyReason]) -> list[str]:
    """The reasons a key intersection is designated (流量大、秩序乱、事故多), deduplicated."""
    return sorted({KeyReason(r).value for r in reasons})


def check_record_date(
    day: dt.date, today: dt.date, earliest: dt.date, rule: str, fld: str = "date"
) -> None:
    """A record is dated from `earliest` up to today (both inclusive)."""
    if day > today or day < earliest:
        raise RuleError(
            IntersectionErrorCode.BAD_RECORD_DATE,
            f"Record dates run from {earliest} to {today}.",
            field=fld,
            rule=rule,
        )


class RecordFlag(enum.StrEnum):
    """What a record shows that the city's own policy (its settings) would not expect. A flag
    never refuses a record: real events are recorded as they happened (六-三 sets no such
    restriction) and the flags are counted in the reports."""

    BELOW_EXPECTED_POLICE = "BELOW_EXPECTED_POLICE"  # fewer police than the city expects
    BELOW_EXPECTED_HELPERS = "BELOW_EXPECTED_HELPERS"  # fewer auxiliaries + volunteers
    STOP_LINE_FINED = "STOP_LINE_FINED"  # a fine where the city expects persuasion first
    SERIOUS_PERSUASION_ONLY = "SERIOUS_PERSUASION_ONLY"  # a serious violation met by persuasion


@dataclass(frozen=True)
class CityPolicy:
    """A city's expectations (settings): staff per key-intersection shift, and how stop-line
    waiting and serious violations are to be dealt with."""

    police_per_shift: int = 1
    helpers_per_shift: int = 1
    stop_line_fines: bool = False  # the city fines stop-line waiting as a matter of course
    persuasion_for_serious: bool = False  # the city accepts persuasion alone for serious cases


def check_staffing(police: int, auxiliaries: int, volunteers: int) -> None:
    """Counts are 0..500 each, and someone was on duty (a shift of nobody is not a record)."""
    for name, value in (
        ("police", police),
        ("auxiliaries", auxiliaries),
        ("volunteers", volunteers),
    ):
        if not 0 <= value <= 500:
            raise RuleError(Code.INVALID_INPUT, f"`{name}` is between 0 and 500.", field=name)
    if police + auxiliaries + volunteers < 1:
        raise RuleError(
            Code.INVALID_INPUT, "A shift records at least one person on duty.", field="police"
        )


def staffing_flags(police: int, auxiliaries: int, volunteers: int, policy: CityPolicy) -> list[str]:
    """六-三 "增派警力和协管员、志愿者": what the shift lacks against the city's expectation."""
    flags = []
    if police < policy.police_per_shift:
        flags.append(RecordFlag.BELOW_EXPECTED_POLICE.value)
    if auxiliaries + volunteers < policy.helpers_per_shift:
        flags.append(RecordFlag.BELOW_EXPECTED_HELPERS.value)
    return flags


def enforcement_flags(
    kind: ViolationKind, action: EnforcementAction, policy: CityPolicy
) -> list[str]:
    """六-三: serious violations are "现场查纠" (dealt with on site); stop-line waiting is met with
    "劝导和宣传并重". A fine for stop-line waiting or persuasion alone for a serious violation is
    recorded, and flagged unless the city's policy expects it."""
    if kind is ViolationKind.STOP_LINE and action is EnforcementAction.FINE:
        return [] if policy.stop_line_fines else [RecordFlag.STOP_LINE_FINED.value]
    if kind in SERIOUS and action is EnforcementAction.PERSUASION:
        return [] if policy.persuasion_for_serious else [RecordFlag.SERIOUS_PERSUASION_ONLY.value]
    return []


IntersectionErrorCode.cites(
    {
        IntersectionErrorCode.NOT_KEY_INTERSECTION: R_KEY,
    }
)
