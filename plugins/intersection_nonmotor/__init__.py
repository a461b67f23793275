"""M18 路口非机动车交通组织 (2024 item 六): hook wiring only; see README.md."""

from __future__ import annotations

import datetime as dt

from core.accounts import Role
from core.plugin_api import MeasureInfo, ReportSpec, SettingSpec, SettingType
from core.plugin_kit import MeasurePlugin
from core.rollout import RolloutDefault

from . import (
    demo,
    models,  # noqa: F401 - its tables
)
from .reports import build
from .rules import MEASURE
from .schema import IntersectionMutation, IntersectionQuery

CITY_STAFF = (Role.ROAD_OFFICER, Role.SUPERVISOR)
ADMINS = (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN)


REPORT_COLUMNS = {
    "intersections": "路口数",
    "one_stage": "一次过街路口数",
    "two_stage": "二次过街路口数",
    "police": "民警（人次）",
    "auxiliaries": "辅警（人次）",
    "volunteers": "志愿者（人次）",
    "red_light": "闯红灯",
    "wrong_way": "逆向行驶",
    "motor_lane": "占用机动车道",
    "stop_line": "越线停车",
    "flagged_shifts": "异常勤务班次",
    "flagged_enforcement": "异常处理违法数",
    "flag_below_expected_police": "民警少于预期",
    "flag_below_expected_helpers": "辅警志愿者少于预期",
    "flag_stop_line_fined": "越线停车即罚款",
    "flag_serious_persuasion_only": "严重违法仅劝导",
    "key": "重点路口数",
}  # Chinese labels of its own columns (ReportSpec.column_labels)


class IntersectionNonmotor(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M18",
        "Non-motor traffic at intersections",
        "路口非机动车交通组织",
        "2024 item 六",
        "Intersections with a consistent non-motor design (stop line, waiting area, one- or "
        "two-stage left turn), key intersections with staffing and enforcement records.",
    )
    query_types = [IntersectionQuery]
    mutation_types = [IntersectionMutation]
    permissions = {
        "design_check": CITY_STAFF,
        "design_write": CITY_STAFF,
        "read": (*CITY_STAFF, *ADMINS),
        "key_set": Role.SUPERVISOR,
        "staffing_record": CITY_STAFF,
        "enforcement_record": Role.ROAD_OFFICER,
        "report": (Role.SUPERVISOR, *ADMINS),
    }
    default_rollout = [
        RolloutDefault.nationwide(
            dt.date(2024, 7, 1), note="2024 items take effect nationwide on 2024-07-01"
        )
    ]
    settings = [
        SettingSpec(
            "area_per_bike_m2",
            1.5,
            "Waiting-area space per non-motor vehicle.",
            type=SettingType.FLOAT,
            unit="m²",
            minimum=0.5,
            maximum=5.0,
        ),
        SettingSpec(
            "min_left_lane_width_m",
            1.5,
            "Width needed for a non-motor left-turn lane.",
            type=SettingType.FLOAT,
            unit="m",
            minimum=0.5,
            maximum=5.0,
        ),
        SettingSpec(
            "expected_police_per_shift",
            1,
            "Police the city expects on a key-intersection shift (fewer is flagged).",
            type=SettingType.INT,
            unit="persons",
            minimum=0,
            maximum=50,
        ),
        SettingSpec(
            "expected_helpers_per_shift",
            1,
            "Auxiliaries plus volunteers the city expects on a shift (fewer is flagged).",
            type=SettingType.INT,
            unit="persons",
            minimum=0,
            maximum=200,
        ),
        SettingSpec(
            "stop_line_fines_expected",
            False,
            "Whether the city fines stop-line waiting as a matter of course (else a fine is flagged).",
            type=SettingType.BOOL,
        ),
        SettingSpec(
            "persuasion_alone_for_serious_expected",
            False,
            "Whether the city accepts persuasion alone for red-light, wrong-way or motor-lane "
            "riding (else it is flagged).",
            type=SettingType.BOOL,
        ),
        SettingSpec(
            "record_window_days",
            30,
            "How far back enforcement records may be dated.",
            type=SettingType.INT,
            unit="days",
            minimum=1,
            maximum=366,
        ),
    ]
    reports = [
        ReportSpec(
            f"{MEASURE}.city",
            MEASURE,
            "路口非机动车交通组织: city figures",
            "ANY",
            build,
            subject_zh="路口组织、勤务与违法处理",
            column_labels=REPORT_COLUMNS,
        )
    ]
    demo_data = demo


plugin = IntersectionNonmotor()
