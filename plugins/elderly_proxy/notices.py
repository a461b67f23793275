"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    # declared on the application workflow's transitions (__init__.register_workflows): sent to
    # the relative who applied and to the elder (the core's addressees: applicant and subject)
    NoticeTemplate(
        f"{MEASURE}.approved",
        MEASURE,
        "代老人办理{business}的申请{application}已审核通过，可在“交管12123”APP办理该笔业务。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.rejected",
        MEASURE,
        "代老人办理{business}的申请{application}未通过审核：{note}",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.handled", MEASURE, "您的亲属已代您办理{business}（申请{application}）。", "APP"
    ),
    NoticeTemplate(
        f"{MEASURE}.applied",
        MEASURE,
        "您的亲属{relative}申请代您办理“{business}”（申请{application}）。如非您本人意愿，"
        "您可在业务办理前通过“交管12123”APP撤销本次代办授权。",
        "APP",
    ),
    NoticeTemplate(
        f"{MEASURE}.revoked",
        MEASURE,
        "老人已撤销您代为办理“{business}”的授权（申请{application}），该代办不能继续办理。",
        "APP",
    ),
]
