"""Reading indicator values: who may read what (audiences), materialised cells, freshness, and
the shapes the API, the pages and the exports serve. Nothing here reads a case row."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Min
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.geo.models import AdminUnit
from gbvms.indicators import periods
from gbvms.indicators.dimensions import breakdowns, combo_for, dimension, disagg_key
from gbvms.indicators.models import (
    DirtyCase,
    DirtyKey,
    ExternalValue,
    IndicatorValue,
    IndicatorVersion,
)

NATION = "/"
LEVEL_RANK = {"national": 0, "province": 1, "commune": 2}
EXACT, SUPPRESSED = "exact", "suppressed"
PROTECTIVE = {"complementary", "pending"}  # hidden for another cell's sake, not small itself


def indicators_current() -> list[IndicatorVersion]:
    return list(
        IndicatorVersion.objects.filter(status="current", indicator__is_active=True)
        .select_related("indicator")
        .order_by("indicator__order", "indicator__code")
    )


def version_current(code: str) -> IndicatorVersion:
    version = (
        IndicatorVersion.objects.filter(indicator__code=code, status="current")
        .select_related("indicator")
        .first()
    )
    if version is None:
        raise Http404("indicator")
    return version


def unit_for_code(code: str) -> AdminUnit | None:
    """The current province or commune with this NSO code; None for the nation ("VN" or "")."""
    code = (code or "").strip()
    if code.upper() in {"", "VN"}:
        return None
    level = "province" if len(code) <= 2 else "commune"
    unit = AdminUnit.objects.current().filter(level=level, code=code).first()
    if unit is None:
        raise Http404("unit")
    return unit


def unit_path_of(code: str) -> str:
    unit = unit_for_code(code)
    return unit.path if unit else NATION


def level_of(path: str) -> str:
    depth = len([p for p in path.split("/") if p])
    return "national" if depth == 0 else "province" if depth == 1 else "commune"


def audience_for(user: Any, unit_path: str) -> str | None:
    """ "exact" for a case supervisor over the unit (their caseload); "suppressed" for readers of
    aggregates (indicators.view) over the unit, its ancestors or its subtree; else None."""
    if any(unit_path.startswith(p) for p in scoping.grants(user, "cases.supervise")):
        return EXACT
    for prefix in scoping.grants(user, "indicators.view"):
        if unit_path.startswith(prefix) or prefix.startswith(unit_path):
            return SUPPRESSED
    return None


def may_read(user: Any) -> bool:
    return bool(scoping.grants(user, "indicators.view") or scoping.grants(user, "cases.supervise"))


@dataclass(frozen=True)
class Freshness:
    as_of: datetime.datetime
    behind_seconds: float
    stale: bool


def freshness(now: datetime.datetime | None = None) -> Freshness:
    """The figures include every change made before ``as_of`` (the oldest change still waiting
    for the worker; now when none waits)."""
    now = now or timezone.now()
    oldest = [
        DirtyCase.objects.aggregate(t=Min("enqueued_at"))["t"],
        DirtyKey.objects.aggregate(t=Min("enqueued_at"))["t"],
    ]
    pending = [t for t in oldest if t is not None]
    as_of = min(pending) if pending else now
    behind = max((now - as_of).total_seconds(), 0.0)
    return Freshness(as_of, behind, behind > settings.INDICATOR_STALE_SECONDS)


def cells(version: IndicatorVersion, unit_path: str, period: str,
          disaggs: list[str] | None = None) -> dict[str, IndicatorValue]:  # fmt: skip
    qs = IndicatorValue.objects.filter(version=version, unit_path=unit_path, period=period)
    if disaggs is not None:
        qs = qs.filter(disagg__in=disaggs)
    return {c.disagg: c for c in qs}


def external_applies(period: str) -> bool:
    """A yearly survey figure completes a year only, never a half or a month."""
    return periods.parse(period).type == "Y"


def external_of(version: IndicatorVersion, unit_path: str, period: str) -> dict[str, Any]:
    """The entered figures of an external-kind indicator for the period's year, with their
    provenance: ``denominator`` (R05: people subjected, from a survey) or ``value``."""
    rows = ExternalValue.objects.filter(
        indicator_id=version.indicator_id, unit_path=unit_path,
        period=str(periods.parse(period).year),
    )  # fmt: skip
    found: dict[str, Any] = {"denominator": None, "value": None, "provenance": []}
    if not external_applies(period):
        return found
    for row in rows:
        found[row.role] = int(row.value) if row.role == "denominator" else float(row.value)
        found["provenance"].append(
            {
                "role": row.role,
                "source": row.source,
                "source_year": row.source_year,
                "method": row.method,
            }
        )
    return found


def served(cell: IndicatorValue | None, audience: str, version: IndicatorVersion | None = None,
           *, external: dict[str, Any] | None = None,
           denominator: int | None = None) -> dict[str, Any]:  # fmt: skip
    """A cell as a reader of ``audience`` may see it (a missing cell is a zero)."""
    kind = version.indicator.kind if version else (cell.version.indicator.kind if cell else "")
    if cell is None:  # nothing stored: zero
        n, d, value, hidden = 0, None, 0.0, False
        if kind == "ratio":
            d, value = 0, None
        elif kind == "median":
            n, d, value = None, 0, None
    else:
        n, d, value, hidden = cell.n, cell.d, cell.value, cell.hidden
    if kind == "external":
        external = external or {"denominator": denominator}
        if external.get("value") is not None:  # a survey figure, entered as such
            n, d, value = None, None, external["value"]
        else:  # GBVMS's numerator over an entered denominator
            d = external.get("denominator")
            value = round(100 * n / d, 4) if d and n is not None else None
    if audience != EXACT and hidden:
        return {"numerator": None, "denominator": None, "value": None, "suppressed": True,
                "protective": protective(cell)}  # fmt: skip
    return {"numerator": n, "denominator": d, "value": value, "suppressed": False}


def protective(cell: IndicatorValue | None) -> bool:
    """A cell hidden to protect another (complementary, or not yet through the suppression
    pass), not because it is small itself: it must not be labelled "<5"."""
    return cell is not None and cell.hidden and cell.hidden_reason in PROTECTIVE


def _check_period(period: str, audience: str) -> periods.Period:
    try:
        parsed = periods.parse(period)
    except periods.PeriodError:
        raise ValidationError(_("Kỳ không hợp lệ (ví dụ 2026, 2026S1, 202611, 2026S1C)."),
                              code="bad_period") from None  # fmt: skip
    if parsed.type == "M" and audience != EXACT:
        raise ValidationError(
            _("Số liệu theo tháng chỉ dành cho người giám sát vụ việc; hãy chọn 6 tháng hoặc năm."),
            code="period_not_available",
        )
    return parsed


def _check_breakdown(version: IndicatorVersion, by: list[str], unit_path: str,
                     audience: str) -> tuple[str, ...]:  # fmt: skip
    combo = combo_for(by, version.indicator.disaggregations)
    if combo is None:
        raise ValidationError(
            _("Chỉ tiêu này không có phân tổ đó. Các phân tổ: %(list)s.")
            % {
                "list": ", ".join(
                    "+".join(c) for c in breakdowns(version.indicator.disaggregations)
                )
            },
            code="breakdown_not_declared",
        )
    if audience != EXACT:
        levels = (version.indicator.min_level or {}).get("dimensions", {})
        for name in combo:
            floor = levels.get(name)
            if floor and LEVEL_RANK[level_of(unit_path)] > LEVEL_RANK[floor]:
                raise ValidationError(
                    _("Phân tổ này chỉ có từ cấp tỉnh trở lên (bảo vệ ô nhỏ)."),
                    code="breakdown_level",
                )
    return combo


def target_of(version: IndicatorVersion, unit_path: str, period: periods.Period,
              figure: dict[str, Any]) -> dict[str, Any] | None:  # fmt: skip
    try:
        from gbvms.indicators import targets
    except ImportError:  # pragma: no cover
        return None
    target = targets.target_for(version.indicator, unit_path, period.year)
    if target is None:
        return None
    return targets.target_status(
        target, n=figure["numerator"], d=figure["denominator"], value=figure["value"],
        hidden=figure["suppressed"], period_key=period.key,
    )  # fmt: skip


def _breakdown(version: IndicatorVersion, combo: tuple[str, ...], found: dict[str, Any],
               audience: str) -> list[dict[str, Any]]:  # fmt: skip
    dims = [dimension(name) for name in combo]
    items = []
    for options in itertools.product(*(d.codes for d in dims)):
        key = disagg_key({d.category: o for d, o in zip(dims, options, strict=True)})
        item: dict[str, Any] = {d.name: o for d, o in zip(dims, options, strict=True)}
        item["label"] = " · ".join(d.label(o) for d, o in zip(dims, options, strict=True))
        shown = served(found.get(key), audience, version)
        shown.pop("protective", None)  # the API says suppressed; pages label it
        item.update(shown)
        items.append(item)
    return items


def indicator_values_for_user(user: Any, code: str, unit_code: str, period: str,
                              by: list[str] | None = None) -> dict[str, Any]:  # fmt: skip
    """The API's and the pages' one door to a figure (scoping and suppression decided here)."""
    if not may_read(user):
        raise PermissionDenied
    version = version_current(code)
    unit = unit_for_code(unit_code)
    path = unit.path if unit else NATION
    audience = audience_for(user, path)
    if audience is None:
        raise Http404("unit")  # not yours and does not exist look the same
    parsed = _check_period(period, audience)
    combo = _check_breakdown(version, by, path, audience) if by else ()
    found = cells(version, path, parsed.key)
    external = None
    if version.indicator.kind == "external":
        external = external_of(version, path, parsed.key)
    figure = served(found.get(""), audience, version, external=external)
    fresh = freshness()
    return {
        "indicator": version.indicator.code,
        "name": version.indicator.name_vi,
        "kind": version.indicator.kind,
        "version": version.number,
        "unit": unit.code if unit else "VN",
        "unit_name": unit.name if unit else _("Toàn quốc"),
        "period": parsed.key,
        "period_label": parsed.label(),
        "audience": audience,
        **figure,
        "as_of": fresh.as_of,
        "stale": fresh.stale,
        "target": target_of(version, path, parsed, figure),
        "sources": external["provenance"] if external else [],
        "breakdown": _breakdown(version, combo, found, audience) if combo else [],
    }


@dataclass(frozen=True)
class ExportRow:
    indicator: Any
    version: IndicatorVersion
    disagg: dict[str, str]
    n: int | None
    d: int | None
    value: float | None
    hidden: bool
    protective: bool = False  # hidden to protect another cell, not small itself


def export_rows(unit_path: str, period: str) -> list[ExportRow]:
    """Every current indicator's stored cells for one unit and period, for the suppressed
    audience (DHIS2, XLSX): hidden cells come with ``hidden`` and no numbers; an external-kind
    indicator's total comes with its entered figures (R05: GBVMS's numerator over the survey
    denominator; X01: the survey value), as the values API serves it."""
    from gbvms.indicators.dimensions import parse_disagg

    versions = {v.pk: v for v in indicators_current()}
    by_version: dict[int, dict[str, IndicatorValue]] = {pk: {} for pk in versions}
    qs = IndicatorValue.objects.filter(
        version_id__in=list(versions), unit_path=unit_path, period=period
    )
    for cell in qs:
        by_version[cell.version_id][cell.disagg] = cell
    rows = []
    for pk, version in versions.items():
        found = by_version[pk]
        external = None
        keys = sorted(found)
        if version.indicator.kind == "external":
            external = external_of(version, unit_path, period)
            keys = sorted({"", *found})
        for key in keys:
            figure = served(found.get(key), SUPPRESSED, version,
                            external=external if not key else None)  # fmt: skip
            if external is not None and not key and not found and figure["value"] is None:
                continue  # nothing computed, nothing entered
            rows.append(ExportRow(
                version.indicator, version, parse_disagg(key), figure["numerator"],
                figure["denominator"], figure["value"], figure["suppressed"],
                figure.get("protective", False),
            ))  # fmt: skip
    return rows
