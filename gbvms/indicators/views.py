"""Indicator dashboards (issue 10): the dashboard of every indicator for one unit and period,
and one indicator's page (trend with its target line, breakdowns, drill-down to child units, the
tile map of the provinces), each chart with a data table and an SVG download. They read only
materialised values, as the reader's audience may see them (``pages`` / ``selectors``)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm
from gbvms.indicators import charts, pages, periods, selectors
from gbvms.indicators.dimensions import dimension
from gbvms.indicators.pages import Figure, Place

CHART_CACHE_SECONDS = 600


class ChooserForm(GuardedForm):
    unit = forms.ChoiceField(label=gettext_lazy("Đơn vị"))
    period = forms.ChoiceField(label=gettext_lazy("Kỳ số liệu"))

    def __init__(self, *args: Any, units: list, period_options: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = units
        self.fields["period"].choices = period_options


@dataclass
class Chooser:
    form: ChooserForm
    place: Place
    period: periods.Period
    audience: str

    @property
    def units(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """The unit options as (group label, options) ("" = no group), rendered by the page
        itself: Django's widget templates take ~30 ms for a province's hundred communes."""
        return _grouped(self.form.fields["unit"].choices)

    @property
    def periods(self) -> list[tuple[str, list[tuple[str, str]]]]:
        return _grouped(self.form.fields["period"].choices)

    @property
    def query(self) -> str:
        return urlencode({"unit": self.place.code, "period": self.period.key})


def _grouped(choices: list) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            groups.append((str(value), [(str(v), str(n)) for v, n in label]))
        elif groups and not groups[-1][0]:
            groups[-1][1].append((str(value), str(label)))
        else:
            groups.append(("", [(str(value), str(label))]))
    return groups


def _unit_options(request: HttpRequest, place: Place) -> list:
    groups = pages.unit_choices(request.user, place)
    options: list = []
    for label, rows in groups:
        options += rows if not label else [(label, rows)]
    known = {c for _label, rows in groups for c, _n in rows}
    if place.code not in known:  # e.g. the nation for a provincial reader who asked for it
        options.insert(0, (place.code, place.name))
    return options


def _chooser(request: HttpRequest) -> Chooser:
    """The unit and period in view (403 outside the reader's scope; a bad period is a form
    error and the page shows the default period)."""
    place = pages.resolve_place(request.user, request.GET.get("unit", ""))
    audience = selectors.audience_for(request.user, place.path)
    default = pages.default_period()
    form = ChooserForm(
        {"unit": place.code, "period": request.GET.get("period") or default},
        units=_unit_options(request, place),
        period_options=pages.period_choices(),
    )
    key = form.cleaned_data["period"] if form.is_valid() else default
    return Chooser(form, place, periods.parse(key), audience)


def _freshness() -> dict[str, Any]:
    fresh = selectors.freshness()
    return {
        "as_of": fresh.as_of,
        "stale": fresh.stale,
        "behind_minutes": int(fresh.behind_seconds // 60),
    }


def _unit_label(version: Any) -> str:
    return str(version.indicator.get_count_unit_display()).lower()


# ------------------------------------------------------------------------------ dashboard


@dataclass
class Tile:
    version: Any
    url: str
    figure: Figure
    unit_label: str
    target: pages.TargetView | None
    trend: list[tuple[str, Figure]]


def _tiles(chooser: Chooser) -> list[Tile]:
    versions = selectors.indicators_current()
    path, key = chooser.place.path, chooser.period.key
    trend = pages.trend_keys(chooser.period)
    keys = sorted({key, *trend})
    cells = pages.total_cells(versions, [path], keys)
    external = pages.external_denominators(versions, [path], keys)
    targets = pages.targets_for(path, chooser.period.year)
    parsed = {k: periods.parse(k) for k in keys}
    labels = {k: parsed[k].label() for k in trend}
    tiles = []
    for version in versions:

        def fig(k: str, v: Any = version) -> Figure:
            ext = external.get((v.indicator_id, path, k))
            return pages.figure(v, cells.get((v.pk, path, k)), chooser.audience, ext)

        shown = fig(key)
        url = reverse("indicators:indicator", args=[version.indicator.code])
        tiles.append(Tile(
            version, f"{url}?{chooser.query}", shown, _unit_label(version),
            pages.target_view(targets.get(version.indicator_id), shown, key),
            [(labels[k], fig(k)) for k in trend],
        ))  # fmt: skip
    return tiles


def _links(request: HttpRequest, chooser: Chooser) -> list[tuple[str, str]]:
    """The other indicator pages the reader may open, for the unit and period in view."""
    user, place = request.user, chooser.place
    links = []
    if scoping.has_permission(user, "indicators.view") or scoping.has_permission(
        user, "plans.manage"
    ):
        query = urlencode({"unit": place.code, "year": chooser.period.year})
        links.append((_("Mục tiêu theo năm"), f"{reverse('indicators:targets')}?{query}"))
    if scoping.has_permission(user, "indicators.view"):
        links.append((_("Số liệu điều tra, bên ngoài"), reverse("indicators:external")))
        query = urlencode({"unit": place.code, "year": chooser.period.year})
        links.append((_("Thực hiện chương trình"), f"{reverse('indicators:programme')}?{query}"))
    if scoping.has_permission(user, "indicators.export", place.path):
        url = f"{reverse('indicators:export_xlsx')}?{chooser.query}"
        links.append((_("Tải bảng số liệu (XLSX)"), url))
    return links


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    chooser = _chooser(request)
    context = {
        "chooser": chooser,
        "links": _links(request, chooser),
        "tiles": _tiles(chooser),
        "fresh": _freshness(),
        "threshold": _threshold(),
    }
    return render(request, "indicators/dashboard.html", context)


def _threshold() -> int:
    from django.conf import settings

    return int(settings.SMALL_CELL_THRESHOLD)


# ------------------------------------------------------------------------------ charts


@dataclass
class Chart:
    """A chart with its data-table alternative; the SVG is drawn (and cached) on demand."""

    name: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str]]]
    draw: Callable[[], str]
    download: str = ""
    _svg: str | None = field(default=None, repr=False)

    @property
    def svg(self) -> str:
        if self._svg is None:
            self._svg = self.draw()
        return self._svg


def _cached(function: Callable[..., str], *args: Any, **kwargs: Any) -> Callable[[], str]:
    """Chart drawing keyed by what it draws (the served, already-suppressed values)."""
    spec = repr((function.__name__, args, sorted(kwargs.items()), get_language()))
    key = "indicator-chart:" + hashlib.sha256(spec.encode()).hexdigest()

    def draw() -> str:
        return cache.get_or_set(key, lambda: function(*args, **kwargs), CHART_CACHE_SECONDS)

    return draw


def _figure_columns(version: Any) -> list[str]:
    if version.indicator.kind in pages.PERCENT_KINDS:
        return [_("Tỷ lệ"), _("Tử số"), _("Mẫu số")]
    return [_("Giá trị")]


def _figure_cells(version: Any, fig: Figure) -> list[str]:
    if version.indicator.kind in pages.PERCENT_KINDS:
        return [fig.text, fig.numerator_text, fig.denominator_text]
    return [fig.text]


def _trend_chart(version: Any, chooser: Chooser, target: Any) -> Chart:
    path = chooser.place.path
    keys = pages.trend_keys(chooser.period)
    cells = pages.total_cells([version], [path], keys)
    external = pages.external_denominators([version], [path], keys)
    points = []
    for k in keys:
        ext = external.get((version.indicator_id, path, k))
        points.append(
            (
                periods.parse(k).label(),
                pages.figure(version, cells.get((version.pk, path, k)), chooser.audience, ext),
            )
        )
    percent = version.indicator.kind in pages.PERCENT_KINDS
    title = _("%(name)s — %(unit)s, theo 6 tháng") % {
        "name": pages.indicator_name(version.indicator),
        "unit": chooser.place.name,
    }
    axis = [pages.short_label(k).replace("/", "\n") for k in keys]  # two lines: no overlap
    draw = _cached(
        charts.trend_chart, [(a, f.chart_value) for a, (_l, f) in zip(axis, points, strict=True)],
        title=title,
        unit_label=_unit_label(version), percent=percent,
        target=float(target.value) if target is not None else None,
        target_label=_("Mục tiêu năm %(year)s") % {"year": chooser.period.year} if target else "",
    )  # fmt: skip
    rows = [(label, _figure_cells(version, f)) for label, f in points]
    return Chart("trend", title, [_("Kỳ"), *_figure_columns(version)], rows, draw)


def _bar_chart(version: Any, chooser: Chooser, name: str, found: dict) -> Chart:
    dim = dimension(name)
    items = pages.breakdown_rows(version, name, found, chooser.audience)
    percent = version.indicator.kind in pages.PERCENT_KINDS
    heading = str(dim.title)
    title = _("Theo %(dimension)s") % {"dimension": heading[:1].lower() + heading[1:]}
    draw = _cached(charts.bar_chart, [(label, f.chart_value) for label, f in items], title=title,
                   unit_label=_unit_label(version), percent=percent)  # fmt: skip
    rows = [(label, _figure_cells(version, f)) for label, f in items]
    return Chart(f"by-{name}", title, [str(dim.title), *_figure_columns(version)], rows, draw)


@dataclass
class ChildRow:
    place: Place
    url: str
    figure: Figure
    target: pages.TargetView | None


def _children(version: Any, chooser: Chooser, user: Any) -> list[ChildRow]:
    kids = pages.children_of(user, chooser.place)
    paths = [k.path for k in kids]
    key = chooser.period.key
    cells = pages.total_cells([version], paths, [key])
    external = pages.external_denominators([version], paths, [key])
    targets = pages.targets_for_children(version.indicator_id, paths, chooser.period.year)
    url = reverse("indicators:indicator", args=[version.indicator.code])
    rows = []
    for kid in kids:
        audience = selectors.audience_for(user, kid.path)
        ext = external.get((version.indicator_id, kid.path, key))
        fig = pages.figure(version, cells.get((version.pk, kid.path, key)), audience, ext)
        query = urlencode({"unit": kid.code, "period": key})
        rows.append(ChildRow(kid, f"{url}?{query}", fig,
                             pages.target_view(targets.get(kid.path), fig, key)))  # fmt: skip
    return rows


def _map_chart(version: Any, chooser: Chooser, rows: list[ChildRow]) -> Chart:
    percent = version.indicator.kind in pages.PERCENT_KINDS
    values = {r.place.code: (r.figure.chart_value, r.target.status if r.target else "")
              for r in rows if r.place.code in charts.TILES}  # fmt: skip
    title = _("%(name)s theo tỉnh, thành phố") % {"name": pages.indicator_name(version.indicator)}
    draw = _cached(charts.tile_map, values, title=title, percent=percent)
    table = [(r.place.name, [*_figure_cells(version, r.figure),
                             r.target.status_label if r.target else _("Chưa có mục tiêu")])
             for r in rows]  # fmt: skip
    columns = [_("Tỉnh, thành phố"), *_figure_columns(version), _("Mục tiêu")]
    return Chart("map", title, columns, table, draw)


def _indicator_charts(version: Any, chooser: Chooser, user: Any) -> dict[str, Any]:
    path, key = chooser.place.path, chooser.period.key
    found = pages.period_cells(version, path, key)
    external = pages.external_denominators([version], [path], [key])
    ext = external.get((version.indicator_id, path, key))
    total = pages.figure(version, found.get(""), chooser.audience, ext)
    target = pages.targets_for(path, chooser.period.year).get(version.indicator_id)
    names = pages.single_breakdowns(version, chooser.place, chooser.audience)
    children = _children(version, chooser, user)
    chart_list = [_trend_chart(version, chooser, target)]
    chart_list += [_bar_chart(version, chooser, n, found) for n in names]
    if chooser.place.level == "national" and children:
        chart_list.append(_map_chart(version, chooser, children))
    base = reverse("indicators:indicator", args=[version.indicator.code])
    for chart in chart_list:
        chart.download = f"{base}chart/{chart.name}.svg?{chooser.query}"
    pair = None
    if {"sex", "age"} <= set(names):
        pair = pages.pair_table(version, ("sex", "age"), found, chooser.audience)
    return {
        "total": total,
        "target": pages.target_view(target, total, key),
        "charts": chart_list,
        "children": children,
        "pair": pair,
    }


@login_required
@require_GET
def indicator_page(request: HttpRequest, code: str) -> HttpResponse:
    chooser = _chooser(request)
    version = selectors.version_current(code)
    context = {
        "chooser": chooser,
        "version": version,
        "indicator": version.indicator,
        "name": pages.indicator_name(version.indicator),
        "unit_label": _unit_label(version),
        "fresh": _freshness(),
        "threshold": _threshold(),
        "dashboard_url": reverse("indicators:dashboard") + "?" + chooser.query,
        **_indicator_charts(version, chooser, request.user),
    }
    return render(request, "indicators/indicator.html", context)


@login_required
@require_GET
def indicator_chart(request: HttpRequest, code: str, name: str) -> HttpResponse:
    """One chart of the indicator page as an SVG download."""
    chooser = _chooser(request)
    version = selectors.version_current(code)
    chart = next((c for c in _indicator_charts(version, chooser, request.user)["charts"]
                  if c.name == name), None)  # fmt: skip
    if chart is None:
        raise Http404("chart")
    filename = f"{version.indicator.code}-{name}-{chooser.place.code}-{chooser.period.key}.svg"
    return charts.chart_response(chart.svg, filename)
