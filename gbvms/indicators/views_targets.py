"""Targets pages: a unit's yearly targets (own or inherited, and from which unit or plan), their
status for the year and the years before, setting or adapting one, and the link of a plan
target to an indicator (posted from the plan page). Figures come from IndicatorValue only,
served as the reader's audience may see them; the rules live in gbvms/indicators/targets.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors
from gbvms.geo.models import AdminUnit
from gbvms.indicators import selectors, targets
from gbvms.indicators.forms import PlanTargetLinkForm, UnitTargetForm, indicator_label
from gbvms.indicators.models import Indicator, IndicatorValue, IndicatorVersion, UnitTarget
from gbvms.plans import selectors as plan_selectors
from gbvms.plans.models import Target

STATUS_LABELS = {
    "met": gettext_lazy("Đạt"),
    "not_met": gettext_lazy("Chưa đạt"),
    "insufficient_data": gettext_lazy("Chưa đủ số liệu"),
    "not_due": gettext_lazy("Chưa đến hạn"),
}
RULE_LABELS = [("and", gettext_lazy("và")), ("or", gettext_lazy("hoặc"))]
HISTORY = 3  # the year shown and the two before it
PERCENT = {"ratio", "external"}


# ------------------------------------------------------------------------------------ access


def _may_read(user: Any, path: str) -> bool:
    return scoping.has_permission(user, "plans.manage", path) or (
        selectors.audience_for(user, path) is not None
        and scoping.has_permission(user, "indicators.view")
    )


def _default_unit(user: Any) -> str:
    for permission in ("plans.manage", "indicators.view"):
        prefixes = scoping.grants(user, permission)
        if prefixes:
            return sorted(prefixes, key=len)[0]
    raise PermissionDenied


def _unit_from(request: HttpRequest) -> tuple[str, AdminUnit | None]:
    """The unit asked for (NSO code, "VN" = the nation), else the reader's own top unit."""
    if not (
        scoping.has_permission(request.user, "plans.manage")
        or scoping.has_permission(request.user, "indicators.view")
    ):
        raise PermissionDenied
    code = request.GET.get("unit", "")[:12]
    if code:
        unit = selectors.unit_for_code(code)  # 404 for an unknown code
        path = unit.path if unit else "/"
    else:
        path = _default_unit(request.user)
        unit = AdminUnit.objects.current().filter(path=path).first() if path != "/" else None
    if not _may_read(request.user, path):
        raise PermissionDenied
    return path, unit


def _year_from(request: HttpRequest) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdigit() else timezone.localdate().year
    return year if targets.MIN_YEAR <= year <= targets.MAX_YEAR else timezone.localdate().year


def _unit_code(unit: AdminUnit | None) -> str:
    return unit.code if unit else "VN"


def _unit_name(path: str, names: dict[str, str]) -> str:
    return names.get(path) or (_("Toàn quốc") if path == "/" else path)


# ------------------------------------------------------------------------------------ rows


@dataclass
class YearStatus:
    year: int
    target: str
    status: str
    label: str
    figure: str
    gap: str
    hint: str


@dataclass
class Row:
    indicator: Indicator
    target: UnitTarget | None
    own: bool
    source: str
    plan: Any
    warning: str
    years: list[YearStatus]
    rule_note: str = ""


def _fmt(value: float | None, percent: bool) -> str:
    if value is None:
        return "—"
    text = f"{value:,.1f}".rstrip("0").rstrip(".").replace(",", " ").replace(".", ",")
    return f"{text}%" if percent else text


def _target_text(target: UnitTarget, percent: bool) -> str:
    comparator = dict(UnitTarget.COMPARATORS).get(target.comparator, target.comparator)
    return f"{comparator} {_fmt(float(target.value), percent)}"


def _values(versions: list[IndicatorVersion], path: str, years: list[int]) -> dict[Any, Any]:
    """The total cells of the unit for these years, read from IndicatorValue (one query)."""
    qs = IndicatorValue.objects.filter(
        version__in=versions, unit_path=path, period__in=[str(y) for y in years], disagg=""
    )
    return {(c.version_id, c.period): c for c in qs}


def _year_status(
    version: IndicatorVersion,
    target: UnitTarget | None,
    cell: Any,
    audience: str,
    path: str,
    year: int,
) -> YearStatus:
    percent = version.indicator.kind in PERCENT
    external = None
    if version.indicator.kind == "external":  # R05: the survey denominator, with provenance
        external = selectors.external_of(version, path, str(year))
    figure = selectors.served(cell, audience, version, external=external)
    shown = f"<{targets._threshold()}" if figure["suppressed"] else _fmt(figure["value"], percent)
    if target is None:
        return YearStatus(year, "—", "", "", shown, "", "")
    result = targets.target_status(
        target, n=figure["numerator"], d=figure["denominator"], value=figure["value"],
        hidden=figure["suppressed"], period_key=str(year),
    )  # fmt: skip
    gap = result["gap"]
    gap_text = "" if gap is None else ("+" if gap > 0 else "") + _fmt(gap, False)
    if gap_text and percent:
        gap_text = _("%(gap)s điểm %%") % {"gap": gap_text}
    hint = ""
    if result["status"] == "not_due" and result["on_track"] is not None:
        hint = _("đang đạt") if result["on_track"] else _("chưa đạt đến nay")
    status = result["status"]
    return YearStatus(
        year, _target_text(target, percent), status, str(STATUS_LABELS[status]), shown, gap_text,
        hint,
    )  # fmt: skip


def _warning(target: UnitTarget | None, parents: dict[int, UnitTarget], names: dict[str, str]):
    if target is None or target.unit_path == "/":
        return ""
    parent = parents.get(target.indicator_id)
    if parent is None or not targets._less_ambitious(target, parent, target.indicator.direction):
        return ""
    percent = target.indicator.kind in PERCENT
    return _("Thấp hơn chỉ tiêu của %(unit)s (%(target)s).") % {
        "unit": _unit_name(parent.unit_path, names),
        "target": _target_text(parent, percent),
    }


def _rule_note(version: IndicatorVersion, target: UnitTarget | None) -> str:
    """R07: say so when the target's rule is not the one the values are computed with."""
    rule = (target.params or {}).get("rule") if target else None
    computed = (version.params or {}).get("rule")
    if not rule or not computed or rule == computed:
        return ""
    names = dict(RULE_LABELS)
    return _("Số liệu được tính theo cách “%(computed)s”, chỉ tiêu đặt theo cách “%(rule)s”.") % {
        "computed": names.get(computed, computed),
        "rule": names.get(rule, rule),
    }


def unit_rows(user: Any, path: str, year: int) -> list[Row]:
    """Every current indicator's target for the unit and year with its status for ``year``
    and the years before (a fixed number of queries, whatever the catalogue's size)."""
    versions = selectors.indicators_current()
    years = [year - i for i in range(HISTORY - 1, -1, -1)]
    by_year = {y: targets.targets_for_unit(path, y) for y in years}
    above = targets.parent_path(path)
    parents = targets.targets_for_unit(above, year) if above else {}
    cells = _values(versions, path, years)
    audience = selectors.audience_for(user, path) or selectors.SUPPRESSED
    chain = targets.ancestor_paths(path)
    names = dict(AdminUnit.objects.filter(path__in=chain).values_list("path", "name"))
    rows = []
    for version in versions:
        ind = version.indicator
        target = by_year[year].get(ind.id)
        statuses = [
            _year_status(version, by_year[y].get(ind.id), cells.get((version.pk, str(y))),
                         audience, path, y)
            for y in years
        ]  # fmt: skip
        plan = target.plan_target.plan if target and target.plan_target_id else None
        rows.append(
            Row(
                indicator=ind,
                target=target,
                own=bool(target and target.unit_path == path),
                source=_unit_name(target.unit_path, names) if target else "",
                plan=plan,
                warning=_warning(target, parents, names) if target and target.unit_path == path
                else "",
                years=statuses,
                rule_note=_rule_note(version, target),
            )
        )  # fmt: skip
    return rows


# ------------------------------------------------------------------------------------ pages


@login_required
@require_GET
def targets_page(request: HttpRequest) -> HttpResponse:
    path, unit = _unit_from(request)
    year = _year_from(request)
    children = (
        AdminUnit.objects.current().filter(parent=unit).order_by("name")
        if unit is not None
        else AdminUnit.objects.current().filter(level="province").order_by("name")
    )
    if unit is not None and unit.level == "commune":
        children = AdminUnit.objects.none()
    context = {
        "unit": unit,
        "unit_code": _unit_code(unit),
        "unit_name": unit.name if unit else _("Toàn quốc"),
        "year": year,
        "years": [year - i for i in range(HISTORY - 1, -1, -1)],
        "rows": unit_rows(request.user, path, year),
        "can_manage": scoping.has_permission(request.user, "plans.manage", path),
        "parent_code": _parent_code(unit),
        "children": [c for c in children if _may_read(request.user, c.path)],
        "freshness": selectors.freshness(),
        "year_choices": list(
            range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1)
        ),
    }
    return render(request, "indicators/targets.html", context)


def _parent_code(unit: AdminUnit | None) -> str:
    if unit is None:
        return ""
    parent = unit.parent if unit.parent_id else None
    return parent.code if parent else "VN"


def _source_name(target: UnitTarget | None) -> str:
    if target is None:
        return ""
    names = dict(AdminUnit.objects.filter(path=target.unit_path).values_list("path", "name"))
    return _unit_name(target.unit_path, names)


def _back(code: str, year: int) -> str:
    return reverse("indicators:targets") + "?" + urlencode({"unit": code, "year": year})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, code: str) -> HttpResponse:
    path, unit = _unit_from(request)
    if not scoping.has_permission(request.user, "plans.manage", path):
        raise PermissionDenied
    ind = Indicator.objects.filter(code=code, is_active=True).first()
    if ind is None:
        raise Http404
    year = _year_from(request)
    own = UnitTarget.objects.filter(indicator=ind, unit_path=path, year=year).first()
    inherited = targets.target_for(ind, path, year)
    initial = {}
    source = own or inherited
    if source is not None:
        initial = {
            "comparator": source.comparator,
            "value": source.value,
            "rule": (source.params or {}).get("rule", "and"),
            "note": own.note if own else "",
        }
    form = UnitTargetForm(request.POST or None, indicator=ind, initial=initial)
    back = _back(_unit_code(unit), year)
    if request.method == "POST" and request.POST.get("clear") and own is not None:
        targets.unit_target_clear(
            actor=request.user, indicator=ind, unit=path, year=year, request=request
        )
        messages.success(request, _("Đã bỏ chỉ tiêu riêng; đơn vị dùng chỉ tiêu của cấp trên."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = targets.unit_target_set(
                actor=request.user, indicator=ind, unit=path, year=year,
                comparator=data["comparator"], value=data["value"], params=form.params(),
                note=data.get("note") or "", request=request,
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu chỉ tiêu năm %(year)s.") % {"year": year})
            if saved.below_parent is not None:
                percent = ind.kind in PERCENT
                messages.warning(
                    request,
                    _("Chỉ tiêu này thấp hơn chỉ tiêu của cấp trên (%(target)s). Đã lưu; hãy "
                      "kiểm tra lại nếu không phải chủ ý.")
                    % {"target": _target_text(saved.below_parent, percent)},
                )  # fmt: skip
            return redirect(back)
    context = {
        "indicator": ind,
        "unit_name": unit.name if unit else _("Toàn quốc"),
        "year": year,
        "form": form,
        "own": own,
        "inherited": inherited if own is None else None,
        "inherited_from": _source_name(inherited),
        "percent": ind.kind in PERCENT,
        "back": back,
    }
    return render(request, "indicators/targets_edit.html", context)


# ------------------------------------------------------------------------------------ plans


@dataclass
class PlanTargetRow:
    target: Target
    indicator: str  # the Vietnamese name (and code) of the proposed or confirmed indicator
    form: PlanTargetLinkForm | None


def plan_target_rows(plan: Any, can_manage: bool) -> list[PlanTargetRow]:
    """The plan page's targets with their indicator link (and, for a manager, its form)."""
    rows = list(plan.targets.all())
    names = dict(Indicator.objects.values_list("code", "name_vi"))
    out = []
    for t in rows:
        form = None
        if can_manage:
            form = PlanTargetLinkForm(
                prefix=f"t{t.pk}",
                initial={"indicator": t.indicator_code if t.indicator_code in names else "",
                         "rule": (t.indicator_params or {}).get("rule", "")},
            )  # fmt: skip
        out.append(PlanTargetRow(t, indicator_label(t.indicator_code, names), form))
    return out


@login_required
@require_POST
def plan_target_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, change or remove the indicator a plan target measures."""
    target = Target.objects.select_related("plan").filter(pk=pk).first()
    if target is None:
        raise Http404
    plan = plan_selectors.plan_get(user=request.user, pk=target.plan_id, for_write=True)
    target.plan = plan
    form = PlanTargetLinkForm(request.POST, prefix=f"t{target.pk}")
    if form.is_valid():
        code = form.cleaned_data.get("indicator") or ""
        rule = form.cleaned_data.get("rule") or ""
        try:
            saved = targets.plan_target_confirm(
                actor=request.user, target=target, indicator_code=code,
                params={"rule": rule} if rule else None, request=request,
            )  # fmt: skip
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            if code:
                messages.success(
                    request,
                    _("Đã xác nhận chỉ tiêu; %(n)s năm chỉ tiêu của đơn vị được cập nhật.")
                    % {"n": len(saved)},
                )
            else:
                messages.success(request, _("Đã bỏ liên kết chỉ tiêu."))
    else:
        messages.error(request, _("Chỉ tiêu đã chọn không hợp lệ."))
    return redirect(f"{plan.get_absolute_url()}#targets")
