"""The notices this measure sends (core/notices.py), declared once: name, text, channel."""

from __future__ import annotations

from core.notices import NoticeTemplate

from .rules import MEASURE

TEMPLATES = [
    NoticeTemplate(
        f"{MEASURE}.reviewed",
        MEASURE,
        "您代老人办理的{business}申请{application}已审核：{decision}。",
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
