"""What the indicator pages show, assembled from materialised values only (``IndicatorValue``
through the selectors' audience and ``served`` rules): the reader's units, the period choices,
figures with their targets, trends, breakdowns and drill-downs. Bulk reads (one query for all
indicators, all periods or all child units) keep the number of queries independent of the size
of the catalogue and of the unit tree."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.geo.models import AdminUnit
from gbvms.indicators import periods, selectors
from gbvms.indicators.charts import fmt_value
from gbvms.indicators.dimensions import dimension, parse_disagg
from gbvms.indicators.models import ExternalValue, IndicatorValue, IndicatorVersion, UnitTarget

NATION = selectors.NATION
PERCENT_KINDS = {"ratio", "external"}
STATUS_LABELS = {
    "met": gettext_lazy("Đạt"),
    "not_met": gettext_lazy("Chưa đạt"),
    "insufficient_data": gettext_lazy("Chưa đủ số liệu"),
    "not_due": gettext_lazy("Chưa đến hạn"),
}


def indicator_name(indicator: Any) -> str:
    """The indicator's name in the reader's language (Vietnamese first)."""
    return indicator.name_en if get_language() == "en" and indicator.name_en else indicator.name_vi


# ------------------------------------------------------------------------------ units


@dataclass(frozen=True)
class Place:
    """A unit the pages show: the nation (``unit`` None, code "VN") or a current unit."""

    path: str
    code: str
    name: str
    level: str  # national | province | commune
    unit: AdminUnit | None = None


def nation() -> Place:
    return Place(NATION, "VN", _("Toàn quốc"), "national")


def place_of(unit: AdminUnit | None) -> Place:
    return nation() if unit is None else Place(unit.path, unit.code, unit.name, unit.level, unit)


def roots(user: Any) -> list[str]:
    """The subtrees the user reads indicators of (indicators.view, and cases.supervise for a
    supervisor's caseload), outermost only."""
    prefixes = set(scoping.grants(user, "indicators.view"))
    prefixes |= set(scoping.grants(user, "cases.supervise"))
    return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))


def resolve_place(user: Any, code: str | None) -> Place:
    """The unit asked for (default: the user's outermost unit); 403 outside the user's scope,
    404 for a code that is no current unit."""
    tops = roots(user)
    if not tops:
        raise PermissionDenied
    if not code:
        if NATION in tops:
            return nation()
        return place_of(AdminUnit.objects.current().get(path=tops[0]))
    place = place_of(selectors.unit_for_code(code))
    if selectors.audience_for(user, place.path) is None:
        raise PermissionDenied
    return place


def unit_choices(user: Any, current: Place) -> list[tuple[str, list[tuple[str, str]]]]:
    """Grouped options of the unit chooser: the nation and provinces for a national reader;
    otherwise the user's own units; and the communes of the province in view."""
    tops = roots(user)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    current_units = AdminUnit.objects.current()
    if NATION in tops:
        provinces = current_units.filter(level="province").order_by("search_name")
        groups.append(("", [("VN", _("Toàn quốc")), *[(u.code, u.name) for u in provinces]]))
        own_provinces = [current.path.split("/")[1]] if current.path != NATION else []
    else:
        own = list(current_units.filter(path__in=tops).order_by("name"))
        groups.append(("", [(u.code, u.name) for u in own]))
        own_provinces = [u.path.strip("/") for u in own if u.level == "province"]
    if own_provinces:
        query = Q()
        for code in own_provinces:
            query |= Q(path__startswith=f"/{code}/")
        communes = current_units.filter(query, level="commune").select_related("parent")
        by_province: dict[str, list[tuple[str, str]]] = {}
        for u in communes.order_by("parent__search_name", "search_name"):
            by_province.setdefault(u.parent.name, []).append((u.code, u.name))
        groups += [(_("Xã, phường thuộc %(province)s") % {"province": p}, rows)
                   for p, rows in by_province.items()]  # fmt: skip
    return groups


def children_of(user: Any, place: Place) -> list[Place]:
    """The child units the user may read (nation → provinces, province → communes)."""
    if place.level == "commune":
        return []
    units = AdminUnit.objects.current()
    if place.level == "national":
        units = units.filter(level="province")
    else:
        units = units.filter(parent=place.unit)
    kids = [place_of(u) for u in units.order_by("search_name")]
    return [k for k in kids if selectors.audience_for(user, k.path) is not None]


# ------------------------------------------------------------------------------ periods


def period_choices(today: datetime.date | None = None) -> list[tuple[str, list[tuple[str, str]]]]:
    """Years and six-month periods of the last three years, calendar and cut-off windows."""
    year = (today or timezone.localdate()).year
    calendar, cutoff = [], []
    for y in range(year, year - 3, -1):
        for key in (f"{y}", f"{y}S1", f"{y}S2"):
            calendar.append((key, periods.parse(key).label()))
        for key in (f"{y}C", f"{y}S1C", f"{y}S2C"):
            cutoff.append((key, periods.parse(key).label()))
    return [(_("Theo năm dương lịch"), calendar),
            (_("Theo kỳ chốt số liệu (15/12–14/12)"), cutoff)]  # fmt: skip


def default_period(today: datetime.date | None = None) -> str:
    return str((today or timezone.localdate()).year)


def trend_keys(period: periods.Period, today: datetime.date | None = None) -> list[str]:
    """The six-month periods of the three years up to the period's year (cut-off windows for a
    cut-off period), without those that have not begun."""
    today = today or timezone.localdate()
    suffix = "C" if period.cutoff else ""
    keys = [f"{y}S{h}{suffix}" for y in range(period.year - 2, period.year + 1) for h in (1, 2)]
    return [k for k in keys if periods.parse(k).start <= today]


def short_label(key: str) -> str:
    """A period's label short enough for a chart's axis (the tables give the full label)."""
    period = periods.parse(key)
    if period.type != "S":
        return period.label()
    half = key[5]
    if period.cutoff:
        return _("Kỳ %(half)s/%(year)s") % {"half": half, "year": period.year}
    months = "1–6" if half == "1" else "7–12"
    return _("T%(months)s/%(year)s") % {"months": months, "year": period.year}


# ------------------------------------------------------------------------------ figures


@dataclass
class Figure:
    """One cell as the reader may see it, with its display text."""

    numerator: int | None
    denominator: int | None
    value: float | None
    suppressed: bool
    percent: bool
    kind: str
    protective: bool = False  # hidden to protect another cell: "ẩn", never "<5"

    @property
    def chart_value(self) -> float | None:
        """None = hidden (drawn "<5"/"ẩn"); NaN = no value (drawn "—")."""
        if self.suppressed:
            return None
        return math.nan if self.value is None else float(self.value)

    @property
    def text(self) -> str:
        if self.suppressed:
            return fmt_value(None, percent=self.percent or self.protective)
        if self.value is None:
            return "—"
        text = fmt_value(self.value, percent=self.percent)
        return _("%(hours)s giờ") % {"hours": text} if self.kind == "median" else text

    @property
    def numerator_text(self) -> str:
        return _count_text(self.numerator, self.suppressed, self.percent or self.protective)

    @property
    def denominator_text(self) -> str:
        return _count_text(self.denominator, self.suppressed, self.percent or self.protective)


def _count_text(number: int | None, suppressed: bool, percent: bool) -> str:
    if suppressed:
        return fmt_value(None, percent=percent)
    if number is None:
        return "—"
    return number_format(number, decimal_pos=0, force_grouping=True)


def figure(version: IndicatorVersion, cell: IndicatorValue | None, audience: str,
           denominator: int | None = None) -> Figure:  # fmt: skip
    kind = version.indicator.kind
    shown = selectors.served(cell, audience, version, denominator=denominator)
    return Figure(shown["numerator"], shown["denominator"], shown["value"], shown["suppressed"],
                  kind in PERCENT_KINDS, kind, shown.get("protective", False))  # fmt: skip


def external_denominators(versions: list[IndicatorVersion], paths: list[str],
                          keys: list[str]) -> dict[tuple[int, str, str], int]:  # fmt: skip
    """(indicator id, unit path, period key) → the external denominator (survey figures) of
    the periods it completes (``selectors.external_applies``), in one query."""
    ids = [v.indicator_id for v in versions if v.indicator.kind == "external"]
    yearly = [k for k in keys if selectors.external_applies(k)]
    if not ids or not yearly:
        return {}
    rows = ExternalValue.objects.filter(
        indicator_id__in=ids, unit_path__in=paths, role="denominator",
        period__in={str(periods.parse(k).year) for k in yearly},
    ).values_list("indicator_id", "unit_path", "period", "value")  # fmt: skip
    found = {(i, p, int(y)): int(v) for i, p, y, v in rows}
    return {(i, p, k): v for (i, p, y), v in found.items()
            for k in yearly if periods.parse(k).year == y}  # fmt: skip


def total_cells(versions: list[IndicatorVersion], paths: list[str],
                keys: list[str]) -> dict[tuple[int, str, str], IndicatorValue]:  # fmt: skip
    """(version id, unit path, period) → the total cell, for many of each in one query."""
    qs = IndicatorValue.objects.filter(
        version__in=versions, unit_path__in=paths, period__in=keys, disagg=""
    )
    return {(c.version_id, c.unit_path, c.period): c for c in qs}


def period_cells(version: IndicatorVersion, path: str, key: str) -> dict[str, IndicatorValue]:
    return selectors.cells(version, path, key)


# ------------------------------------------------------------------------------ targets


def _targets_module() -> Any:
    try:
        from gbvms.indicators import targets
    except ImportError:  # pragma: no cover - the targets helper's module is optional
        return None
    return targets


def targets_for(path: str, year: int) -> dict[int, Any]:
    """Every indicator's own or inherited target of one unit (indicator id → UnitTarget)."""
    module = _targets_module()
    return module.targets_for_unit(path, year) if module else {}


def targets_for_children(indicator_id: int, paths: list[str], year: int) -> dict[str, Any]:
    """Each path's own or nearest inherited target of one indicator, in one query."""
    module = _targets_module()
    if module is None or not paths:
        return {}
    chains = {p: module.ancestor_paths(p) for p in paths}
    wanted = {a for chain in chains.values() for a in chain}
    rows = {
        t.unit_path: t
        for t in UnitTarget.objects.select_related("indicator").filter(
            indicator_id=indicator_id, year=year, unit_path__in=wanted
        )
    }
    found = {p: next((rows[a] for a in chain if a in rows), None) for p, chain in chains.items()}
    return {p: t for p, t in found.items() if t is not None}


@dataclass
class TargetView:
    text: str
    status: str
    status_label: str
    gap_text: str


def target_view(target: Any, fig: Figure, period_key: str) -> TargetView | None:
    """The target, its status and gap for one figure (None when the unit has no target)."""
    module = _targets_module()
    if target is None or module is None:
        return None
    result = module.target_status(
        target, n=fig.numerator, d=fig.denominator, value=fig.value, hidden=fig.suppressed,
        period_key=period_key,
    )  # fmt: skip
    comparator = dict(UnitTarget.COMPARATORS).get(target.comparator, target.comparator)
    value = fmt_value(float(target.value), percent=fig.percent)
    gap = result.get("gap")
    gap_text = ""
    if gap is not None:
        sign = "+" if gap > 0 else ""
        gap_text = sign + fmt_value(gap, percent=False)
        if fig.percent:
            gap_text = _("%(gap)s điểm %%") % {"gap": gap_text}
    return TargetView(f"{comparator} {value}", result["status"],
                      str(STATUS_LABELS.get(result["status"], "")), gap_text)  # fmt: skip


def breakdown_allowed(version: IndicatorVersion, name: str, place: Place, audience: str) -> bool:
    """A declared dimension may be shown at this level for this audience (REPORTING §F.6)."""
    if audience == selectors.EXACT:
        return True
    floor = (version.indicator.min_level or {}).get("dimensions", {}).get(name)
    return not floor or selectors.LEVEL_RANK[place.level] <= selectors.LEVEL_RANK[floor]


def single_breakdowns(version: IndicatorVersion, place: Place, audience: str) -> list[str]:
    return [n for n in version.indicator.disaggregations
            if breakdown_allowed(version, n, place, audience)]  # fmt: skip


def breakdown_rows(
    version: IndicatorVersion, name: str, found: dict[str, IndicatorValue], audience: str
) -> list[tuple[str, Figure]]:
    dim = dimension(name)
    rows = []
    for code in dim.codes:
        cell = found.get(f"{dim.category}={code}")
        rows.append((dim.label(code), figure(version, cell, audience)))
    return rows


def pair_table(version: IndicatorVersion, names: tuple[str, str], found: dict[str, Any],
               audience: str) -> dict[str, Any]:  # fmt: skip
    """A two-way table (rows × columns) of a materialised pair such as sex × age."""
    rows_dim, cols_dim = dimension(names[0]), dimension(names[1])
    by_key = {}
    for key, cell in found.items():
        parts = parse_disagg(key)
        if set(parts) == {rows_dim.category, cols_dim.category}:
            by_key[(parts[rows_dim.category], parts[cols_dim.category])] = cell
    return {
        "title": f"{rows_dim.title} × {cols_dim.title}",
        "columns": [cols_dim.label(c) for c in cols_dim.codes],
        "rows": [
            (rows_dim.label(r), [figure(version, by_key.get((r, c)), audience)
                                 for c in cols_dim.codes])
            for r in rows_dim.codes
        ],
    }  # fmt: skip
