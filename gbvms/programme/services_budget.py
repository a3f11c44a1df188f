"""Writes of budget lines (dòng kinh phí) and their expenditures, in VND (whole đồng).

Same rules as ``services``. A budget line covers one fiscal year (``start``/``end`` are 1/1 and
31/12); its expenditures are dated inside that year and may name an event of the line's unit
subtree that the user can see. Overspending is a warning (``budget_warnings``), not an error:
the figures are reported as they are.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.http import HttpRequest
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme.models import BudgetLine, Event, Expenditure
from gbvms.programme.services import (
    MAX_YEAR,
    MIN_YEAR,
    SOURCE,
    check_actor,
    check_codes,
    common,
    invalid,
    log,
    mark,
    record_keys,
    save_new,
)

AMOUNTS = ("amount_estimated", "amount_allocated", "amount_committed", "inkind_donors",
           "inkind_value")  # fmt: skip


def _check_plan(actor: Any, plan: Any, plan_activity: Any) -> None:
    if plan is None:
        return
    from gbvms.plans.models import Plan

    if not scoping.scoped(actor, "plans.view", Plan).filter(pk=plan.pk).exists():
        raise invalid("plan", _("Không tìm thấy kế hoạch."), "plan_unknown")
    if plan_activity is not None and plan_activity.plan_id != plan.pk:
        raise invalid(
            "plan_activity", _("Hoạt động không thuộc kế hoạch đã chọn."), "activity_not_in_plan"
        )


def _check_amounts(values: dict[str, Any]) -> None:
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise invalid(name, _("Số tiền phải là số nguyên không âm (đồng)."), "negative")


@transaction.atomic
def budget_line_save(*, actor: Any, line: BudgetLine | None = None, title: str,
                     fiscal_year: int, unit: AdminUnit, lead_agency: Agency,
                     funding_source: str, amount_estimated: int = 0, amount_allocated: int = 0,
                     amount_committed: int = 0, plan: Any = None, plan_activity: Any = None,
                     donor: str = "", project: str = "", allocation_decision: str = "",
                     ethnic_minority_area: bool = False, inkind_donors: int = 0,
                     inkind_value: int = 0, inkind_description: str = "",
                     status: str = "done", note: str = "",
                     request: HttpRequest | None = None) -> BudgetLine:  # fmt: skip
    """Create (``line=None``) or update a budget line of ``fiscal_year``."""
    record = line or BudgetLine()
    before = record_keys(record) if record.pk else set()
    if not isinstance(fiscal_year, int) or not MIN_YEAR <= fiscal_year <= MAX_YEAR:
        raise invalid("fiscal_year", _("Năm phải trong khoảng 2000–2100."), "bad_year")
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=datetime.date(fiscal_year, 1, 1), end=datetime.date(fiscal_year, 12, 31),
           plan_activity=plan_activity, status=status, note=note)  # fmt: skip
    check_codes("funding_source", [funding_source], "funding_source")
    _check_plan(actor, plan, plan_activity)
    amounts = {"amount_estimated": amount_estimated, "amount_allocated": amount_allocated,
               "amount_committed": amount_committed, "inkind_donors": inkind_donors,
               "inkind_value": inkind_value}  # fmt: skip
    _check_amounts(amounts)
    if record.pk and record.expenditures.exclude(date__year=fiscal_year).exists():
        raise invalid(
            "fiscal_year", _("Có khoản chi nằm ngoài năm ngân sách mới."), "expenditures_outside"
        )
    for name, value in amounts.items():
        setattr(record, name, value)
    record.fiscal_year, record.funding_source, record.plan = fiscal_year, funding_source, plan
    record.donor, record.project = donor.strip(), project.strip()
    record.allocation_decision = allocation_decision.strip()
    record.ethnic_minority_area = bool(ethnic_minority_area)
    record.inkind_description = inkind_description.strip()
    record.full_clean(exclude=["code"] if not record.code else None)
    created = record.pk is None
    save_new(record, "budget") if created else record.save()
    mark(before, record_keys(record))
    log("budget.created" if created else "budget.updated", actor=actor, record=record,
        request=request, changes={"amount_allocated": amount_allocated})  # fmt: skip
    return record


def _check_event(actor: Any, line: BudgetLine, event: Event | None) -> None:
    if event is None:
        return
    visible = scoping.scoped(actor, "programme.view", Event).filter(pk=event.pk).exists()
    if not visible or event.status == "cancelled":
        raise invalid("event", _("Không tìm thấy hoạt động."), "event_unknown")
    if not event.unit.path.startswith(line.unit.path):
        raise invalid(
            "event", _("Hoạt động không thuộc địa bàn của dòng kinh phí."), "event_outside_unit"
        )


@transaction.atomic
def expenditure_add(*, actor: Any, line: BudgetLine, date: datetime.date, amount: int,
                    event: Event | None = None, note: str = "",
                    request: HttpRequest | None = None) -> Expenditure:  # fmt: skip
    """Record money spent from ``line`` on ``date`` (inside its fiscal year)."""
    check_actor(actor, line.lead_agency, line.unit)
    if line.status == "cancelled":
        raise invalid("line", _("Dòng kinh phí đã bị hủy."), "cancelled")
    if date.year != line.fiscal_year:
        raise invalid(
            "date",
            _("Ngày chi phải trong năm ngân sách %(year)s.") % {"year": line.fiscal_year},
            "outside_fiscal_year",
        )
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise invalid("amount", _("Số tiền chi phải lớn hơn 0."), "not_positive")
    _check_event(actor, line, event)
    expenditure = Expenditure(budget_line=line, date=date, amount=amount, event=event,
                              note=note.strip(), created_by=actor)  # fmt: skip
    expenditure.full_clean()
    expenditure.save()
    mark({(SOURCE, line.unit.path, date.year)})
    log("budget.expenditure_added", actor=actor, record=line, request=request,
        changes={"expenditure": expenditure.pk, "amount": amount})  # fmt: skip
    return expenditure


def budget_spent(line: BudgetLine) -> int:
    """The sum of the line's expenditures (VND)."""
    return int(line.expenditures.aggregate(total=Sum("amount"))["total"] or 0)


def budget_warnings(line: BudgetLine, spent: int | None = None) -> list[str]:
    """Warnings (not errors) about a line's figures: spent or committed above the allocation."""
    spent = budget_spent(line) if spent is None else spent
    warnings = []
    if spent > line.amount_allocated:
        warnings.append(
            _("Đã chi (%(spent)s đồng) vượt số được giao (%(allocated)s đồng).")
            % {
                "spent": f"{spent:,}".replace(",", "."),
                "allocated": f"{line.amount_allocated:,}".replace(",", "."),
            }
        )
    if line.amount_committed > line.amount_allocated:
        warnings.append(
            _("Số đã cam kết (%(committed)s đồng) vượt số được giao (%(allocated)s đồng).")
            % {
                "committed": f"{line.amount_committed:,}".replace(",", "."),
                "allocated": f"{line.amount_allocated:,}".replace(",", "."),
            }
        )
    return warnings
