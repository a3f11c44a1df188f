"""Targets (REPORTING §A.5): yearly targets per unit, inherited down the tree, their status
against the materialised values, and the links from plan targets to indicators.

- A unit without its own ``UnitTarget`` for a year inherits the nearest ancestor's (the unit's
  path prefixes up to "/", the nation): :func:`target_for`.
- A plan target (``plans.Target``) whose indicator link is confirmed is *materialised*: the
  plan's unit ("/" for a national plan) gets a ``UnitTarget`` row per year of the plan, with
  ``plan_target`` set, so it is traceable and inherited like any other. A row the unit set by
  hand (``plan_target`` null) is never overwritten by a plan. Within one plan, a target with a
  year is a milestone: it governs the plan's years up to its year not governed by an earlier
  milestone of the same indicator; a target without a year governs the remaining years.
- The status compares the value with the target's comparator as written ("trên 90%" is ``>``),
  exactly (a ratio is compared as the fraction N/D, not as a rounded float), and says
  "insufficient data" when the cell is hidden or its denominator is below the small-cell
  threshold (§F), "not due" while the period is still running.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.indicators import periods
from gbvms.indicators.models import Direction, Indicator, Kind, UnitTarget
from gbvms.plans.vntext import fold

NATION = "/"
COMPARATORS = {c for c, _label in UnitTarget.COMPARATORS}
PERCENT_KINDS = {Kind.RATIO, Kind.EXTERNAL}
RULES = {"and", "or"}
MIN_YEAR, MAX_YEAR = 2000, 2100

# ------------------------------------------------------------------------------------ lookup


def ancestor_paths(unit_path: str) -> list[str]:
    """``/51/23293/`` → ``['/51/23293/', '/51/', '/']`` (nearest first)."""
    parts = [p for p in (unit_path or NATION).split("/") if p]
    paths = ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    return [*reversed(paths), NATION]


def parent_path(unit_path: str) -> str | None:
    chain = ancestor_paths(unit_path)
    return chain[1] if len(chain) > 1 else None


def _indicator(indicator: Indicator | str) -> Indicator:
    if isinstance(indicator, Indicator):
        return indicator
    found = Indicator.objects.filter(code=indicator).first()
    if found is None:
        raise _error("indicator", _("Không có chỉ tiêu này trong danh mục."), "unknown_indicator")
    return found


def target_for(indicator: Indicator | str, unit_path: str, year: int) -> UnitTarget | None:
    """The unit's own target for ``year``, else the nearest ancestor's, else ``None``."""
    chain = ancestor_paths(unit_path)
    rows = {
        t.unit_path: t
        for t in UnitTarget.objects.select_related("indicator", "plan_target__plan").filter(
            indicator=_indicator(indicator), year=year, unit_path__in=chain
        )
    }
    return next((rows[p] for p in chain if p in rows), None)


def targets_for_unit(unit_path: str, year: int) -> dict[int, UnitTarget]:
    """Every indicator's target (own or inherited) for one unit and year, by indicator id, in
    one query."""
    chain = ancestor_paths(unit_path)
    rank = {p: i for i, p in enumerate(chain)}
    best: dict[int, UnitTarget] = {}
    qs = UnitTarget.objects.select_related("indicator", "plan_target__plan").filter(
        year=year, unit_path__in=chain
    )
    for t in qs:
        held = best.get(t.indicator_id)
        if held is None or rank[t.unit_path] < rank[held.unit_path]:
            best[t.indicator_id] = t
    return best


# ------------------------------------------------------------------------------------ status


def _threshold() -> int:
    return int(getattr(settings, "SMALL_CELL_THRESHOLD", 5))


def _exact(target: UnitTarget, n: int | None, d: int | None, value: float | None) -> Fraction:
    if target.indicator.kind in PERCENT_KINDS and n is not None and d:
        return Fraction(int(n) * 100, int(d))
    return Fraction(Decimal(str(round(float(value), 6))))  # type: ignore[arg-type]


def compares(comparator: str, actual: Fraction, wanted: Fraction) -> bool:
    return {
        ">": actual > wanted,
        ">=": actual >= wanted,
        "=": actual == wanted,
        "<=": actual <= wanted,
        "<": actual < wanted,
    }[comparator]


def target_status(
    target: UnitTarget,
    *,
    n: int | None,
    d: int | None,
    value: float | None,
    hidden: bool,
    period_key: str,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """``{"comparator", "value", "status", "gap", "on_track"}`` for one cell against a target.

    status: "met" | "not_met" | "insufficient_data" (hidden, or D below the threshold for an
    indicator about persons, or no value) | "not_due" (the period has not ended; the gap and
    ``on_track`` are still given).
    A hidden cell gives no gap: it would reveal the value."""
    today = today or timezone.localdate()
    wanted = Fraction(Decimal(target.value))
    out: dict[str, Any] = {
        "comparator": target.comparator,
        "value": float(target.value),
        "status": "insufficient_data",
        "gap": None,
        "on_track": None,
    }
    if hidden or value is None:
        return out
    actual = _exact(target, n, d, value)
    reached = compares(target.comparator, actual, wanted)
    # a small denominator hides people; programme indicators count groups, units and money
    # (no persons are shown, REPORTING §F), so their status stands at any size
    small = d is not None and d < _threshold() and target.indicator.source != "programme"
    out["gap"] = None if small else round(float(actual - wanted), 2)
    if periods.parse(period_key).end >= today:
        out["status"] = "not_due"
        out["on_track"] = None if small else reached
    elif not small:
        out["status"] = "met" if reached else "not_met"
    return out


def _less_ambitious(child: UnitTarget, parent: UnitTarget, direction: str) -> bool:
    if direction == Direction.DOWN:
        if child.value != parent.value:
            return child.value > parent.value
        return child.comparator in {"<=", "="} and parent.comparator == "<"
    if child.value != parent.value:
        return child.value < parent.value
    return child.comparator in {">=", "="} and parent.comparator == ">"


def child_below_parent(target: UnitTarget) -> UnitTarget | None:
    """The inherited parent target when ``target`` is less ambitious than it (below it for
    "higher is better" indicators, above it for "lower is better"), else ``None``. A warning
    only: provinces may legitimately adapt (REPORTING §A.5)."""
    above = parent_path(target.unit_path)
    if above is None:
        return None
    parent = target_for(target.indicator, above, target.year)
    if parent is None:
        return None
    return parent if _less_ambitious(target, parent, target.indicator.direction) else None


# ------------------------------------------------------------------------------------ services


def _unit_path(unit: Any) -> str:
    if unit is None:
        return NATION
    return unit if isinstance(unit, str) else unit.path


def _error(field: str, message: str, code: str) -> ValidationError:
    """A field error whose stable code survives ``error_dict`` (the API answers with it)."""
    return ValidationError({field: ValidationError(message, code=code)}, code=code)


def _require_manage(actor: Any, unit_path: str) -> None:
    if not scoping.has_permission(actor, "plans.manage", unit_path):
        raise PermissionDenied(_("Bạn không quản lý chỉ tiêu của đơn vị này."))


def _clean_value(indicator: Indicator, value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        raise _error("value", _("Giá trị chỉ tiêu không hợp lệ."), "invalid_value")
    if indicator.kind in PERCENT_KINDS and not Decimal(0) <= number <= Decimal(100):
        raise _error("value", _("Tỷ lệ phải từ 0 đến 100%."), "percent_out_of_range")
    if number < 0:
        raise _error("value", _("Giá trị không được âm."), "negative_value")
    if abs(number) >= Decimal(10) ** 10:
        raise _error("value", _("Giá trị quá lớn."), "value_too_large")
    return number.quantize(Decimal("0.01"))


def _clean_params(indicator: Indicator, params: dict[str, Any] | None) -> dict[str, Any]:
    params = dict(params or {})
    if indicator.code != "R07":
        params.pop("rule", None)
        return {}
    rule = params.get("rule") or "and"
    if rule not in RULES:
        raise _error("rule", _("Quy tắc chỉ được là “và” hoặc “hoặc”."), "invalid_rule")
    return {"rule": rule}


def _validate(
    indicator: Indicator, year: Any, comparator: str, value: Any, params: Any
) -> tuple[int, Decimal, dict[str, Any]]:
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise _error("year", _("Năm phải từ 2000 đến 2100."), "invalid_year")
    if comparator not in COMPARATORS:
        raise _error("comparator", _("Phép so sánh không hợp lệ."), "invalid_comparator")
    return year, _clean_value(indicator, value), _clean_params(indicator, params)


@transaction.atomic
def unit_target_set(
    *,
    actor: Any,
    indicator: Indicator | str,
    unit: Any,
    year: int,
    comparator: str,
    value: Any,
    params: dict[str, Any] | None = None,
    note: str = "",
    request: Any = None,
) -> UnitTarget:
    """Set (or adapt) the unit's own target for ``year``. A plan-derived row becomes the
    unit's own. The returned row carries ``below_parent``: the parent target it is less
    ambitious than (a warning, never a block), or ``None``."""
    path = _unit_path(unit)
    _require_manage(actor, path)
    ind = _indicator(indicator)
    year, number, params = _validate(ind, year, comparator, value, params)
    target, _created = UnitTarget.objects.select_for_update().get_or_create(
        indicator=ind,
        unit_path=path,
        year=year,
        defaults={"comparator": comparator, "value": number, "set_by": actor},
    )
    target.comparator, target.value, target.params = comparator, number, params
    target.note, target.plan_target = (note or "").strip()[:300], None
    target.set_by, target.set_at = actor, timezone.now()
    target.save()
    log_action(
        action="indicators.target.set",
        actor=actor,
        request=request,
        obj=target,
        changes={"indicator": ind.code, "unit": path, "year": year,
                 "comparator": comparator, "value": str(number)},
    )  # fmt: skip
    target.below_parent = child_below_parent(target)
    return target


@transaction.atomic
def unit_target_clear(
    *, actor: Any, indicator: Indicator | str, unit: Any, year: int, request: Any = None
) -> bool:
    """Remove the unit's own target for ``year`` (it inherits again). True if one was removed."""
    path = _unit_path(unit)
    _require_manage(actor, path)
    ind = _indicator(indicator)
    deleted, _rows = UnitTarget.objects.filter(indicator=ind, unit_path=path, year=year).delete()
    if deleted:
        log_action(
            action="indicators.target.cleared",
            actor=actor,
            request=request,
            object_kind="indicators.unittarget",
            changes={"indicator": ind.code, "unit": path, "year": year},
        )
    return bool(deleted)


# ------------------------------------------------------------------------------------ plans


def _plan_path(plan: Any) -> str:
    return plan.unit.path if plan.unit_id else NATION


def _governing(plan: Any, code: str, exclude: int | None = None) -> dict[int, Any]:
    """Year → the confirmed plan target of ``code`` that governs it (see the module doc)."""
    linked = [
        t
        for t in plan.targets.all()
        if t.indicator_confirmed and t.indicator_code == code and t.pk != exclude
    ]
    dated = sorted((t for t in linked if t.year), key=lambda t: (t.year, t.pk))
    undated = [t for t in linked if not t.year]
    out: dict[int, Any] = {t.year: t for t in dated}  # a milestone always governs its own year
    for year in plan.years():
        chosen = next((t for t in dated if t.year >= year), undated[0] if undated else None)
        if chosen is not None:
            out.setdefault(year, chosen)
    return {y: t for y, t in out.items() if MIN_YEAR <= y <= MAX_YEAR}


def _check_plan_target(ind: Indicator, target: Any) -> None:
    percent = target.unit == "%"
    if percent != (ind.kind in PERCENT_KINDS):
        raise _error(
            "indicator",
            _("Đơn vị của mục tiêu không khớp với loại chỉ tiêu đã chọn."),
            "unit_mismatch",
        )
    _validate(ind, target.year or MIN_YEAR, target.comparator, target.value, None)


def plan_sync(plan: Any, code: str, actor: Any, exclude: int | None = None) -> list[UnitTarget]:
    """Materialise the plan's confirmed targets of indicator ``code`` as UnitTargets of the
    plan's unit; rows set by hand stay."""
    ind = Indicator.objects.filter(code=code).first()
    if ind is None:
        return []
    path = _plan_path(plan)
    wanted = _governing(plan, code, exclude)
    existing = {
        t.year: t
        for t in UnitTarget.objects.select_for_update().filter(indicator=ind, unit_path=path)
    }
    for year, row in existing.items():
        if row.plan_target_id and row.plan_target.plan_id == plan.pk and year not in wanted:
            row.delete()
    saved = []
    for year, target in wanted.items():
        try:
            _check_plan_target(ind, target)
        except ValidationError:
            continue  # an edit made it unfit for the indicator: no unit target from it
        row = existing.get(year)
        if row is not None and row.plan_target_id is None:
            continue  # the unit's own target wins over a plan's
        row = row or UnitTarget(indicator=ind, unit_path=path, year=year)
        row.comparator, row.value, row.plan_target = target.comparator, target.value, target
        row.params = dict(target.indicator_params or {}) if code == "R07" else {}
        row.set_by, row.set_at = actor, timezone.now()
        row.save()
        saved.append(row)
    return saved


def _unlink(target: Any, actor: Any) -> None:
    """Drop the rows materialised from ``target`` and re-sync its old indicator (the plan's
    other targets of it may govern those years now)."""
    rows = UnitTarget.objects.filter(plan_target=target)
    old = set(rows.values_list("indicator__code", flat=True))
    if target.indicator_confirmed and target.indicator_code:
        old.add(target.indicator_code)
    rows.delete()
    for code in old:
        plan_sync(target.plan, code, actor, exclude=target.pk)


@transaction.atomic
def plan_target_confirm(
    *,
    actor: Any,
    target: Any,
    indicator_code: str,
    params: dict[str, Any] | None = None,
    request: Any = None,
) -> list[UnitTarget]:
    """Confirm (or change, or with ``""`` remove) the indicator a plan target measures; the
    plan unit's UnitTargets for the plan's years follow."""
    plan = target.plan
    _require_manage(actor, _plan_path(plan))
    code = (indicator_code or "").strip()
    if code:
        ind = _indicator(code)
        _check_plan_target(ind, target)
        params = _clean_params(ind, params)
    else:
        params = {}
    _unlink(target, actor)
    target.indicator_code, target.indicator_params = code, params
    target.indicator_confirmed = bool(code)
    target.save(update_fields=["indicator_code", "indicator_params", "indicator_confirmed"])
    saved = plan_sync(plan, code, actor) if code else []
    log_action(
        action="indicators.plan_target.confirmed",
        actor=actor,
        request=request,
        obj=plan,
        changes={"target": target.pk, "indicator": code, "unit_targets": len(saved)},
    )
    return saved


@transaction.atomic
def plan_target_changed(target: Any, actor: Any, *, deleting: bool = False) -> None:
    """After a plan target was edited, or before it is deleted: re-sync the rows it governs."""
    _unlink(target, actor)
    if deleting or not (target.indicator_confirmed and target.indicator_code):
        return
    ind = Indicator.objects.filter(code=target.indicator_code).first()
    try:
        if ind is None:
            raise ValidationError("unknown indicator", code="unknown_indicator")
        _check_plan_target(ind, target)
    except ValidationError:
        # the edit made it unfit (a count for a rate, 120%): back to a proposal to confirm
        target.indicator_confirmed = False
        target.save(update_fields=["indicator_confirmed"])
        return
    plan_sync(target.plan, target.indicator_code, actor)


# ------------------------------------------------------------------------------------ wording

# (code, the folded phrases that must all occur); the first match wins, most specific first.
_RULES: list[tuple[str, list[str]]] = [
    ("R08", [r"chua bi truy cuu", r"tu van"]),
    ("R07", [r"nguoi gay bao luc|nguoi gay blgd|nguoi gay bltcsg", r"tu van", r"xu ly"]),
    ("R07", [r"tu van\s+(?:va|hoac)\s+(?:co\s+)?(?:hinh thuc\s+)?xu ly"]),
    ("R02", [r"ho tro", r"kip thoi"]),
    ("R03", [r"tiep can", r"dich vu ho tro co ban|dich vu co ban|it nhat (?:mot|01|1) dich vu"]),
    ("R04", [r"co nhu cau (?:tro giup|ho tro)", r"duoc (?:tro giup|ho tro)"]),
    ("R05", [r"tim kiem (?:su )?(?:tro giup|giup do|ho tro)"]),
    ("R06", [r"nguoi gay bao luc|nguoi gay blgd|nguoi gay bltcsg", r"phat hien"]),
    ("R01", [r"nan nhan|nguoi bi bao luc|nguoi bi blgd|nguoi bi bltcsg", r"phat hien"]),
    # programme targets (REPORTING §A.4): QĐ 45 (90 % of DV workers trained, 95 % of communes
    # with a model), NQ 28 (public social-assistance facilities), the yearly training rule
    ("P09", [r"truc tiep lam cong tac", r"tap huan|boi duong"]),
    ("P08", [r"co so tro giup xa hoi cong lap"]),
    ("P04", [r"\b(?:xa|phuong|thi tran)\b", r"mo hinh"]),
    ("P01", [r"tap huan|boi duong", r"(?:01|1|mot) lan ?/ ?nam|hang nam"]),
]


def propose_indicator(text: str) -> tuple[str | None, dict[str, Any]]:
    """The indicator a target's wording measures, as the importer proposes it (the officer
    confirms): "được hỗ trợ và can thiệp kịp thời" → R02; "được tư vấn và có hình thức xử lý"
    → R07 with the "and" rule ("hoặc" → "or"); … ``(None, {})`` when nothing fits."""
    folded = re.sub(r"\s+", " ", fold(text or ""))
    for code, phrases in _RULES:
        if all(re.search(p, folded) for p in phrases):
            if code == "R07":
                between = re.search(r"tu van(.*?)xu ly", folded)
                rule = "or" if between and re.search(r"\bhoac\b", between[1]) else "and"
                return code, {"rule": rule}
            return code, {}
    return None, {}
