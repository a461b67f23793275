"""The small value types plugins hand to the host through the hooks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MeasureInfo:
    """What a measure plugin is: `slug` (folder name), `code` (M01-M20), titles and seed source."""

    slug: str
    code: str
    title: str
    title_zh: str
    seed: str  # e.g. "2021 item 一" / "2024 item 三"
    summary: str = ""


@dataclass(frozen=True)
class SettingSpec:
    """One configuration option of a measure, with its default and a description."""

    key: str
    default: Any
    description: str


@dataclass(frozen=True)
class AdapterSpec:
    """A named adapter: `factory(platform)` returns the implementation."""

    name: str
    factory: Callable[[Any], Any]
    description: str
    replaces: bool = False


@dataclass(frozen=True)
class ReportRow:
    """One line of a report: a label (city, insurer, week...) and named figures."""

    label: str
    figures: dict[str, float | int | str]


@dataclass(frozen=True)
class ReportResult:
    columns: list[str]
    rows: list[ReportRow]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportSpec:
    """A report: `build(session, city_code, start, end)` returns a ReportResult.

    `city_code` may be "*" for the whole jurisdiction of the caller (a province admin's cities).
    """

    name: str
    measure: str
    title: str
    period: str  # WEEKLY | MONTHLY | ANY
    build: Callable[[Any, str, dt.date, dt.date], ReportResult]


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: `run(platform, now)` returns a short summary dict."""

    name: str
    measure: str | None
    schedule: str  # human / cron-like description, e.g. "daily 02:00"
    run: Callable[[Any, dt.datetime], dict[str, Any]]
    description: str = ""
