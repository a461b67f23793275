"""M16 快递上门服务 (2024 item 四): hook wiring only; see README.md."""

from __future__ import annotations

from core.accounts import Role
from core.plugin_api import MeasureInfo, ReportSpec
from core.plugin_kit import MeasurePlugin
from core.registries import applications as apps

from . import (
    demo,
    models,  # noqa: F401  (tables)
    notices,
)
from .reports import build
from .rules import MEASURE
from .schema import CourierMutation, CourierQuery
from .workflows import BOOKING

ADMINS = (Role.PROVINCE_ADMIN, Role.NATIONAL_ADMIN)


class CourierService(MeasurePlugin):
    info = MeasureInfo(
        MEASURE,
        "M16",
        "Courier home service",
        "快递上门服务",
        "2024 item 四",
        "Pilot areas chosen by provinces; courier companies under agreement visit citizens for "
        "e-bike and motorcycle registration and plate/licence replacement, and mail the plates.",
    )
    query_types = [CourierQuery]
    mutation_types = [CourierMutation]
    permissions = {
        "area_read": (Role.CITIZEN, Role.PARTNER_COURIER, Role.CLERK, Role.SUPERVISOR, *ADMINS),
        "area_write": ADMINS,
        "agreement_write": (Role.SUPERVISOR, *ADMINS),
        "staff_add": Role.PARTNER_COURIER,
        "staff_qualify": (Role.SUPERVISOR, Role.PROVINCE_ADMIN),
        "book": Role.CITIZEN,
        "booking_read": (Role.CITIZEN, Role.PARTNER_COURIER, Role.CLERK, Role.SUPERVISOR),
        "courier_work": Role.PARTNER_COURIER,
        "review": (Role.CLERK, Role.SUPERVISOR),
    }
    # 四-一-1: the province chooses its pilot areas; nothing is enabled by default.
    default_rollout = []
    reports = [
        ReportSpec(
            f"{MEASURE}.bookings",
            MEASURE,
            "快递上门服务: bookings per pilot area",
            "ANY",
            build,
            subject_zh="各试点区域预约与送达",
            column_labels={"booked": "预约数", "fees_yuan": "费用（元）"},
        )
    ]
    demo_data = demo
    notice_templates = notices.TEMPLATES
    # the core's application graph (submitted at the visit, decided with the booking's review):
    # the applicant's way out is the booking's (cancel before the visit), so the core's
    # applicationWithdraw stays off; the booking's own graph (workflows.BOOKING)
    workflows = [apps.application_workflow(MEASURE, withdraw=False), BOOKING]


plugin = CourierService()
