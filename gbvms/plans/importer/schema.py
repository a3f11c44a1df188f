"""The one shape of the importer's result (``parse_plan``): ``import_plan --json`` prints it, the
review form reads it, the save service stores it. Keys documented in docs/plans.md are stable;
extra keys (``line``, ``*_line``, ``confidence``, …) may be added.

Every item carries ``line``, the 1-based line of the source text it came from.
"""

from __future__ import annotations

from typing import Literal, NotRequired, TypedDict

Confidence = Literal["certain", "inferred", "guessed"]
"""certain: read from the place the convention puts it (the 'Số:' line, the title under
'KẾ HOẠCH'); inferred: read from another place by a rule (the preamble, the signature, the
targets' years); guessed: a fallback the officer must check (a first line taken as the title)."""

CONFIDENCE_FIELDS = ("title", "issuer", "document_number", "issued_on", "period", "place")


class Period(TypedDict):
    start_year: int | None
    end_year: int | None
    start: str | None  # YYYY-MM-DD
    end: str | None


class Target(TypedDict):
    text: str
    comparator: Literal[">", ">=", "=", "<=", "<"]
    value: float | int
    unit: Literal["%", "count"]
    year: int | None
    line: int
    indicator: str | None
    indicator_params: dict[str, str]


class Phase(TypedDict):
    from_year: int | None
    to_year: int | None
    text: str
    line: int
    frequency: NotRequired[str]  # "annual"


class Activity(TypedDict):
    code: str | None
    group: str | None
    title: str
    lead: list[str]
    coordinating: list[str]
    solution: str | None
    timeline: list[Phase]
    place: str | None
    budget: str | None
    line: int
    confidence: NotRequired[dict[str, Confidence]]  # {"lead": "certain"|"inferred"}


class Responsibility(TypedDict):
    agency: str
    duties: list[str]
    line: int


class Reporting(TypedDict):
    kind: Literal["semiannual", "annual", "once", "other"]
    due: str | None  # MM-DD or YYYY-MM-DD
    to: str | None
    text: str
    line: int


class Event(TypedDict):
    title: str
    date: str | None  # YYYY-MM-DD
    place: str | None
    when: str | None
    line: int


class Campaign(TypedDict):
    text: str
    start: str  # MM-DD or YYYY-MM-DD
    end: str
    line: int


class Observance(TypedDict):
    """A dated day named in the text ('Ngày Quốc tế xóa bỏ bạo lực đối với phụ nữ 25/11')."""

    title: str
    date: str  # MM-DD or YYYY-MM-DD
    line: int


class Header(TypedDict):
    """What stage 3a reads from the top of the document."""

    title: str
    title_line: int | None
    issuer: str | None
    issuer_line: int | None
    document_number: str | None
    number_line: NotRequired[int | None]
    issued_on: str | None
    date_line: NotRequired[int | None]
    place: NotRequired[str | None]
    basis: list[dict[str, object]]
    confidence: dict[str, Confidence]


class PlanResult(TypedDict):
    title: str
    title_line: int | None
    issuer: str | None
    issuer_line: int | None
    document_number: str | None
    document_number_line: int | None
    issued_on: str | None  # YYYY-MM-DD
    issued_on_line: int | None
    place: str | None  # the place of the date line ('Kon Tum, ngày …')
    period: Period
    basis: list[str]
    basis_lines: list[int]
    targets: list[Target]
    activities: list[Activity]
    responsibilities: list[Responsibility]
    reporting: list[Reporting]
    events: list[Event]
    campaigns: list[Campaign]
    observances: list[Observance]
    training_requirements: list[dict[str, object]]
    confidence: dict[str, Confidence]
    warnings: list[str]


def empty_period() -> Period:
    return {"start_year": None, "end_year": None, "start": None, "end": None}
