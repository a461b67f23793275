"""The small value types plugins hand to the host through the hooks."""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MeasureInfo:
    """What a measure plugin is: `slug` (its folder's name), `code` ("M01".."M20" for the seeds'
    twenty; a new measure takes the next free one: `python -m core.cli plugins` lists them), the
    English and Chinese titles, the `seed` it implements ("2021 item 一", "2024 item 三"; a measure
    from another source names that document) and a one-line `summary`."""

    slug: str
    code: str
    title: str
    title_zh: str
    seed: str
    summary: str = ""


class SettingType(enum.StrEnum):
    """The JSON type of a setting's value (checked by `measureSettingSet` and on every read)."""

    INT = "int"  # a JSON integer (not a boolean, not 3.0), within minimum..maximum
    FLOAT = "float"  # a finite JSON number, within minimum..maximum
    BOOL = "bool"  # true or false
    STR = "str"  # 1..max_length characters, no control characters
    DATE = "date"  # "YYYY-MM-DD", within minimum..maximum (dates)
    ENUM = "enum"  # one of `choices`
    STR_LIST = "list[str]"  # at most max_items texts, each 1..max_length characters
    OBJECT = "object"  # a JSON object of the `fields` (each optional, none other)


class SettingScope(enum.StrEnum):
    """Where a value may be set: a CITY setting is read for the city concerned (city value, else
    its province's, else the nationwide one, else the default); a PROVINCE setting for the
    province concerned (no city values); a NATIONAL setting nationwide only (scope "*")."""

    CITY = "CITY"
    PROVINCE = "PROVINCE"
    NATIONAL = "NATIONAL"


@dataclass(frozen=True)
class SettingSpec:
    """One configuration option of a measure: its default, what it means, and the values it takes.

    Every setting declares its `type`, its `unit` ("seconds", "days", "count", "m²"...; "" for
    texts and objects) and its bounds: `minimum`/`maximum` for INT, FLOAT (numbers) and DATE
    (dates), `choices` for ENUM, `max_length` for STR and each STR_LIST item, `max_items` for
    STR_LIST, `fields` for OBJECT; `nullable` lets JSON null mean "none". The platform refuses to
    start when a declaration lacks its bounds or its default is outside them; `measureSettingSet`
    refuses a value outside them (INVALID_INPUT on `value`), and a stored value outside them is
    ignored (logged) when read.
    """

    key: str
    default: Any
    description: str
    type: SettingType = field(kw_only=True)
    unit: str = field(default="", kw_only=True)
    minimum: float | dt.date | None = field(default=None, kw_only=True)
    maximum: float | dt.date | None = field(default=None, kw_only=True)
    choices: tuple[str, ...] = field(default=(), kw_only=True)
    max_length: int | None = field(default=None, kw_only=True)
    max_items: int | None = field(default=None, kw_only=True)
    nullable: bool = field(default=False, kw_only=True)
    fields: tuple[SettingSpec, ...] = field(default=(), kw_only=True)
    scope: SettingScope = field(default=SettingScope.CITY, kw_only=True)


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


class ReportLevel(enum.StrEnum):
    """The area a report covers: one city (支队), a province as the sum of its cities (总队), or
    the nation (部局)."""

    CITY = "CITY"
    PROVINCE = "PROVINCE"
    NATION = "NATION"


class ReportPeriod(enum.StrEnum):
    """The period a report is about: a week (Monday to Sunday), a calendar month, or any span."""

    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    ANY = "ANY"


@dataclass(frozen=True)
class ReportArea:
    """Where a report runs: `level`, `code` (a city code, a province code, or "CN" for the
    nation) and the `cities` it sums (its own code for a city)."""

    level: ReportLevel
    code: str
    cities: tuple[str, ...]


def for_city(
    roll_up: Callable[[Any, ReportArea, dt.date, dt.date], ReportResult],
) -> Callable[[Any, str, dt.date, dt.date], ReportResult]:
    """A ReportSpec `build` (one city) from its `roll_up` (any area): the roll-up run on the
    city alone, for a report whose city figures come from the same code as its totals."""

    def build(session: Any, city_code: str, start: dt.date, end: dt.date) -> ReportResult:
        return roll_up(session, ReportArea(ReportLevel.CITY, city_code, (city_code,)), start, end)

    build.__name__ = f"{getattr(roll_up, '__name__', 'roll_up')}_for_city"
    return build


@dataclass(frozen=True)
class ReportDelivery:
    """A report the seed asks to be sent on schedule: the `level` of the areas it covers, its
    `period`, and who receives it (`to`: the staff roles; each receiving account's jurisdiction
    covers the area: the ministry's national admins, the province's admins...). `at_period_end`:
    delivered on the period's last day ("每月底前") rather than on the day after it ends. `rule`
    names the seed clause that asks for it."""

    level: ReportLevel
    period: ReportPeriod
    to: tuple[Any, ...]  # core.accounts.Role members
    rule: str
    at_period_end: bool = False


@dataclass(frozen=True)
class ReportSpec:
    """A report: `build(session, city_code, start, end)` returns a ReportResult for one city
    (Beijing dates, both inclusive).

    A province or the nation is the sum of its cities (core/reports.py: whole-number figures
    added per row label, other figures kept only where every city agrees), unless the report
    gives `roll_up(session, area, start, end)`, which answers for a whole ReportArea at once (a
    row per city or province, a total, ratios and trends computed rather than added).
    `period` is the period the seed names (ReportPeriod value); `deliveries` the scheduled
    deliveries it asks for (the core's `report_deliver` job).

    For the province console (core/web/report_labels.py): `subject_zh` is the report's subject
    in its display name `{measure code} {measure's Chinese title} · {subject_zh}{period}`
    (`title` when absent), `column_labels` gives Chinese labels for its own columns, where
    the core's common labels (counts of applications, `city`, `name`...) do not cover them or
    mean something else, and `terms` gives Chinese for the words of its row labels and coded text
    figures (kinds, its own business codes, `PAIR_IN`...): the console shows a whole label or
    figure, or else each English word of it, in Chinese where the report or the core has a term.
    Free prose (a `detail` sentence) stays as the report wrote it."""

    name: str
    measure: str
    title: str
    period: str  # ReportPeriod: WEEKLY | MONTHLY | ANY
    build: Callable[[Any, str, dt.date, dt.date], ReportResult]
    roll_up: Callable[[Any, ReportArea, dt.date, dt.date], ReportResult] | None = field(
        default=None, kw_only=True
    )
    deliveries: tuple[ReportDelivery, ...] = field(default=(), kw_only=True)
    subject_zh: str | None = field(default=None, kw_only=True)
    column_labels: Mapping[str, str] = field(default_factory=dict, kw_only=True, compare=False)
    terms: Mapping[str, str] = field(default_factory=dict, kw_only=True, compare=False)


@dataclass(frozen=True)
class StatusSourceSpec:
    """How the status of one kind of issued credential is derived from the live registry.

    `source(session, list_id, today)` yields (index, status) for every credential of `kind` in
    status list `list_id` that is not VALID today (status codes: core/documents/status_list.py,
    IETF Token Status List: 1 INVALID, 2 SUSPENDED). Revoked credentials are INVALID whatever the
    source says."""

    kind: str  # the credential kind, e.g. "DL" (core/documents/credentials.py)
    measure: str
    source: Callable[[Any, int, dt.date], Iterable[tuple[int, int]]]

    @property
    def name(self) -> str:
        return self.kind


@dataclass(frozen=True)
class JobSpec:
    """A scheduled job: `run(platform, now)` returns a short summary dict.

    `schedule`, in Beijing time: "every minute", "every N minutes", "hourly", "daily HH:MM", or
    "continuously ..." for a long-running process (not on the crontab); `cron_fields` turns it
    into crontab fields and start-up refuses any other form, naming the plugin."""

    name: str
    measure: str | None
    schedule: str
    run: Callable[[Any, dt.datetime], dict[str, Any]]
    description: str = ""

    @property
    def cron_fields(self) -> str | None:
        """The five crontab fields of `schedule` ("*/15 * * * *"), or None for a continuous job.
        Raises ValueError for a schedule of no known form."""
        spec = self.schedule
        if spec.startswith("continuously"):
            return None
        if spec == "every minute":
            return "* * * * *"
        if (m := re.fullmatch(r"every (\d+) minutes", spec)) and 1 < int(m.group(1)) < 60:
            return f"*/{int(m.group(1))} * * * *"
        if spec == "hourly":
            return "0 * * * *"
        if (
            (m := re.fullmatch(r"daily (\d\d):(\d\d)", spec))
            and int(m.group(1)) < 24
            and int(m.group(2)) < 60
        ):
            return f"{int(m.group(2))} {int(m.group(1))} * * *"
        raise ValueError(f"job {self.name!r}: no crontab form for the schedule {spec!r}")


@dataclass(frozen=True)
class TicketSourceSpec:
    """A measure whose applications two offices may have to settle with an office ticket
    (core/tickets.py): `offices(session, application)` returns the (transfer-out city,
    transfer-in city) of the application, or None when it is not between two offices; `rule`
    is the seed clause that asks the offices to settle such problems; the office a ticket is
    raised to answers within `response_workdays` working days (platform calendar), else the
    ticket escalates to the province."""

    measure: str
    offices: Callable[[Any, Any], tuple[str, str] | None]
    rule: str
    response_workdays: int = 2

    @property
    def name(self) -> str:
        return self.measure
