"""The scheduled job of M19: compute to-dos and push them through the outbox (七-二)."""

from __future__ import annotations

from core.plugin_api import JobSpec

from .rules import MEASURE
from .service import push_todos

PUSH_JOB = JobSpec(
    "precise_guidance_push",
    MEASURE,
    "daily 08:00",
    push_todos,
    "Push each new to-do (inspection, exempt mark, scrap, exam, renewal, review, health check, "
    "violation, payment) once by SMS and app message.",
)
