"""Error codes of M18 (non-motor traffic at intersections)."""

from __future__ import annotations

from core.errors import ErrorCode


class IntersectionErrorCode(ErrorCode):
    """Machine codes of this measure's refusals (each in README.md, with its seed clause)."""

    DESIGN_INCOMPLETE = "DESIGN_INCOMPLETE"  # a required design element is missing
    DESIGN_INCONSISTENT = "DESIGN_INCONSISTENT"  # elements contradict the chosen left-turn mode
    WAITING_AREA_TOO_SMALL = "WAITING_AREA_TOO_SMALL"  # the queue would overflow
    NOT_KEY_INTERSECTION = "NOT_KEY_INTERSECTION"  # staffing recorded for an ordinary intersection
    BAD_RECORD_DATE = "BAD_RECORD_DATE"  # record date in the future or outside the window
