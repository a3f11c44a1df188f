"""Pages of models, inspections (findings, recommendations) and budget lines."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors
from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import AdminUnit
from gbvms.programme import forms_delivery as fd
from gbvms.programme import selectors, services_budget, services_inspections, services_models, vocab
from gbvms.programme.models import Expenditure, Recommendation
from gbvms.programme.views_events import history_names

FORMS = {"model": fd.ModelForm, "inspection": fd.InspectionForm, "budget": fd.BudgetForm}
SAVE = {
    "model": (services_models.model_save, "model"),
    "inspection": (services_inspections.inspection_save, "inspection"),
    "budget": (services_budget.budget_line_save, "line"),
}
OPEN = ["open", "in_progress"]


def _require(request: HttpRequest, permission: str) -> None:
    if not scoping.has_permission(request.user, permission):
        raise PermissionDenied


def _call(form: Any, service: Callable[..., Any], **kwargs: Any) -> Any:
    if not form.is_valid():
        return None
    try:
        return service(**kwargs, **form.payload())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None


def _extra_filters(kind: str) -> dict[str, forms.Field]:
    if kind == "model":
        return {"kind": fd.choice(_("Loại mô hình"), vocab.ModelKind.choices),
                "model_status": fd.choice(_("Tình trạng"), vocab.ModelStatus.choices)}  # fmt: skip
    if kind == "inspection":
        return {"kind": fd.choice(_("Hình thức"), vocab.InspectionKind.choices),
                "open_only": forms.BooleanField(label=_("Chỉ đoàn còn kiến nghị chưa xong"),
                                                required=False)}  # fmt: skip
    return {"funding_source": fd.choice(_("Nguồn kinh phí"), vocab.FundingSource.choices)}


def _filtered(request: HttpRequest, kind: str) -> tuple[Any, Any]:
    form = fd.ListFilter(request.GET or None, user=request.user, extra=_extra_filters(kind))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    unit = AdminUnit.objects.current().filter(code=data.get("unit") or "-").first()
    qs = selectors.record_list(user=request.user, kind=kind, unit_path=unit.path if unit else "",
                               year=data.get("year"), status=data.get("status") or "")  # fmt: skip
    for field in ("kind", "model_status", "funding_source"):
        if data.get(field):
            qs = qs.filter(**{field: data[field]})
    if data.get("open_only"):
        qs = qs.filter(pk__in=Recommendation.objects.filter(status__in=OPEN).values("inspection"))
    return form, qs


def _list(request: HttpRequest, kind: str, extra: dict[str, Any] | None = None) -> HttpResponse:
    _require(request, "programme.view")
    form, qs = _filtered(request, kind)
    if kind == "budget":
        totals = _totals(qs)
        qs = services_budget_with_spent(qs)
        extra = {**(extra or {}), "totals": totals}
    context = {"filter": form, "page": paginate(request, qs), "query": query_without_page(request),
               "can_record": scoping.has_permission(request.user, "programme.record"),
               **(extra or {})}  # fmt: skip
    return render(request, f"programme/{kind}_list.html", context)


def services_budget_with_spent(qs: Any) -> Any:
    from gbvms.programme.selectors_delivery import budget_with_spent

    return budget_with_spent(qs)


def _totals(qs: Any) -> list[dict[str, Any]]:
    from gbvms.programme.models import BudgetLine

    lines = BudgetLine.objects.filter(pk__in=qs.values("pk"))
    spent = dict(
        Expenditure.objects.filter(budget_line__in=lines.values("pk"))
        .values_list("budget_line__funding_source").annotate(total=Sum("amount"))
    )  # fmt: skip
    rows = lines.order_by().values("funding_source").annotate(
        estimated=Sum("amount_estimated"), allocated=Sum("amount_allocated"),
        committed=Sum("amount_committed"))  # fmt: skip
    return [{**r, "label": vocab.label("funding_source", r["funding_source"]),
             "spent": spent.get(r["funding_source"], 0)} for r in rows]  # fmt: skip


def _form_page(request: HttpRequest, kind: str, pk: int | None) -> HttpResponse:
    _require(request, "programme.record")
    record = selectors.record_get_for_user(user=request.user, kind=kind, pk=pk,
                                           for_write=True) if pk else None  # fmt: skip
    form_class, (service, key) = FORMS[kind], SAVE[kind]
    extra: dict[str, Any] = {}
    if kind == "inspection":
        extra["keep_case"] = record.case if record and not _sees_case(request, record) else None
    initial = _initial(request, kind, record) if record else {}
    form = form_class(request.POST or None, initial=initial, user=request.user, **extra)
    if request.method == "POST":
        saved = _call(form, service, actor=request.user, request=request, **{key: record})
        if saved is not None:
            return redirect(f"programme:{kind}_detail", pk=saved.pk)
    return render(request, f"programme/{kind}_form.html", {"form": form, "record": record})


def _initial(request: HttpRequest, kind: str, record: Any) -> dict[str, Any]:
    form_class = FORMS[kind]
    initial = {name: getattr(record, name, None) for name in form_class.base_fields}
    if kind == "model":
        initial["established_on"] = record.start
    if kind == "inspection":
        initial["member_agencies"] = list(record.member_agencies.all())
        initial["inspected_entities"] = "\n".join(record.inspected_entities or [])
        initial["case"] = record.case.code if _sees_case(request, record) else ""
    return initial


def _sees_case(request: HttpRequest, inspection: Any) -> bool:
    if not inspection.case_id:
        return False
    from gbvms.cases.models import Case

    return scoping.scoped(request.user, "cases.view", Case).filter(pk=inspection.case_id).exists()


def _common_context(request: HttpRequest, kind: str, record: Any) -> dict[str, Any]:
    can_edit = selectors.records(request.user, kind, for_write=True).filter(pk=record.pk).exists()
    try:
        cancel_url = reverse("programme:record_cancel", args=[kind, record.pk])
    except NoReverseMatch:
        cancel_url = ""
    context: dict[str, Any] = {"record": record, "kind": kind, "can_edit": can_edit,
                               "cancel_url": cancel_url}  # fmt: skip
    try:
        from gbvms.programme.views_evidence import evidence_context
    except ImportError:
        return context
    context.update(evidence_context(request, kind, record), evidence_enabled=True)
    return context


# ------------------------------------------------------------------ models


@login_required
def model_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "model")


@login_required
@require_http_methods(["GET", "POST"])
def model_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "model", None)


@login_required
@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "model", pk)


def _model_page(request: HttpRequest, record: Any, form: Any = None) -> HttpResponse:
    context = _common_context(request, "model", record)
    provider = record.linked_provider
    if provider is not None:
        from gbvms.referrals.models import Referral

        year = timezone.localdate().year
        mine = Referral.objects.unscoped().filter(provider=provider, sent_at__year=year)
        accepted = mine.exclude(accepted_at=None).count()
        context["referrals_year"] = {"year": year, "sent": mine.count(), "accepted": accepted}
    context.update(
        show_provider_use=record.kind in vocab.PROVIDER_MODEL_KINDS,
        status_rows=status_rows(request.user, record),
        can_set_status=_may_set_status(request.user, record),
        meetings=record.meetings.order_by("-start"),
        evaluations=record.evaluations.select_related("evaluator"),
        form=form or fd.EvaluationForm(unit=record.unit),
    )
    return render(request, "programme/model_detail.html", context)


@login_required
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="model", pk=pk)
    return _model_page(request, record)


@login_required
@require_POST
def model_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="model", pk=pk)
    form = fd.EvaluationForm(request.POST, unit=record.unit)
    if _call(form, services_models.model_evaluate, actor=request.user, model=record,
             request=request) is not None:  # fmt: skip
        return redirect("programme:model_detail", pk=pk)
    return _model_page(request, record, form)


def _may_set_status(user: Any, record: Any) -> bool:
    if record.model_status == "dissolved":
        return False
    return selectors.records(user, "model", for_write=True).filter(pk=record.pk).exists()


def status_rows(user: Any, record: Any) -> list[dict[str, Any]]:
    """The model's status changes, latest first: day, from → to, who (names only for the
    lead agency's recorders and for programme.manage over the unit, as in the record history)."""
    names = history_names(user, record)
    rows, before = [], ""
    for change in record.status_changes.select_related("changed_by").order_by("on", "id"):
        who = change.changed_by
        rows.append({"on": change.on, "to": change.get_status_display(), "from": before,
                     "who": (who.get_full_name() or who.get_username()) if who and names
                     else "—"})  # fmt: skip
        before = change.get_status_display()
    return rows[::-1]


@login_required
@require_http_methods(["GET", "POST"])
def model_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a model's status (pilot, active, suspended, dissolved) from a given day."""
    record = selectors.record_get_for_user(user=request.user, kind="model", pk=pk)
    if not selectors.records(request.user, "model", for_write=True).filter(pk=pk).exists():
        raise PermissionDenied
    form = fd.ModelStatusForm(request.POST or None)
    if request.method == "POST" and _call(form, services_models.model_status_set,
                                          actor=request.user, model=record,
                                          request=request) is not None:  # fmt: skip
        return redirect("programme:model_detail", pk=pk)
    context = {"record": record, "form": form, "status_rows": status_rows(request.user, record)}
    return render(request, "programme/model_status.html", context)


# ------------------------------------------------------------------ inspections


@login_required
def inspection_list(request: HttpRequest) -> HttpResponse:
    assigned = (
        scoping.scoped(request.user, "programme.view", Recommendation)
        .filter(responsible_agency__in=selectors.recording_agencies(request.user), status__in=OPEN)
        .select_related("responsible_agency")
    )
    return _list(request, "inspection", {"assigned": assigned[:50],
                                         "today": timezone.localdate()})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def inspection_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "inspection", None)


@login_required
@require_http_methods(["GET", "POST"])
def inspection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "inspection", pk)


def _inspection_page(request: HttpRequest, record: Any, **forms_: Any) -> HttpResponse:
    context = _common_context(request, "inspection", record)
    recs = list(record.recommendations.select_related("responsible_agency", "finding"))
    for rec in recs:
        rec.may_follow = services_inspections.may_update_recommendation(request.user, rec)
        initial = {"status": rec.status, "closed_on": rec.closed_on, "follow_up": rec.follow_up}
        rec.form = fd.FollowUpForm(prefix=f"r{rec.pk}", initial=initial)
    context.update(
        sees_case=_sees_case(request, record),
        findings=record.findings.all(),
        recommendations=recs,
        today=timezone.localdate(),
        finding_form=forms_.get("finding_form") or fd.FindingForm(),
        recommendation_form=forms_.get("recommendation_form")
        or fd.RecommendationForm(inspection=record),
    )
    return render(request, "programme/inspection_detail.html", context)


@login_required
def inspection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)
    return _inspection_page(request, record)


@login_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)
    form = fd.FindingForm(request.POST)
    if _call(form, services_inspections.finding_add, actor=request.user, inspection=record,
             request=request) is not None:  # fmt: skip
        return redirect("programme:inspection_detail", pk=pk)
    return _inspection_page(request, record, finding_form=form)


@login_required
@require_POST
def recommendation_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="inspection", pk=pk)
    form = fd.RecommendationForm(request.POST, inspection=record)
    if _call(form, services_inspections.recommendation_add, actor=request.user,
             inspection=record, request=request) is not None:  # fmt: skip
        return redirect("programme:inspection_detail", pk=pk)
    return _inspection_page(request, record, recommendation_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_update(request: HttpRequest, pk: int) -> HttpResponse:
    """A recommendation and its follow-up (the inspection's or the responsible agency's
    recorders); the case of a case verification is never shown here."""
    rec = scoping.get_for_user(
        request.user, "programme.view",
        Recommendation.objects.select_related("inspection__unit", "inspection__lead_agency",
                                              "responsible_agency", "finding"), pk=pk)  # fmt: skip
    allowed = services_inspections.may_update_recommendation(request.user, rec)
    initial = {"status": rec.status, "closed_on": rec.closed_on, "follow_up": rec.follow_up}
    form = fd.FollowUpForm(request.POST or None, prefix=f"r{rec.pk}", initial=initial)
    if request.method == "POST":
        if not allowed:
            raise PermissionDenied
        if _call(form, services_inspections.recommendation_update, actor=request.user,
                 recommendation=rec, request=request) is not None:  # fmt: skip
            sees = selectors.records(request.user, "inspection").filter(pk=rec.inspection_id)
            if sees.exists():
                return redirect("programme:inspection_detail", pk=rec.inspection_id)
            return redirect("programme:recommendation_update", pk=rec.pk)
    context = {"rec": rec, "form": form, "allowed": allowed, "today": timezone.localdate()}
    return render(request, "programme/recommendation_update.html", context)


# ------------------------------------------------------------------ budget


@login_required
def budget_list(request: HttpRequest) -> HttpResponse:
    return _list(request, "budget")


@login_required
@require_http_methods(["GET", "POST"])
def budget_new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, "budget", None)


@login_required
@require_http_methods(["GET", "POST"])
def budget_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, "budget", pk)


def _budget_page(request: HttpRequest, record: Any, form: Any = None) -> HttpResponse:
    context = _common_context(request, "budget", record)
    spent = services_budget.budget_spent(record)
    allocated = record.amount_allocated
    context.update(
        spent=spent,
        execution=round(100 * spent / allocated, 1) if allocated else None,
        warnings=services_budget.budget_warnings(record),
        expenditures=record.expenditures.select_related("event"),
        form=form
        or fd.ExpenditureForm(
            user=request.user, line=record, initial={"date": _default_day(record)}
        ),
    )
    return render(request, "programme/budget_detail.html", context)


def _default_day(record: Any) -> datetime.date:
    today = timezone.localdate()
    return today if today.year == record.fiscal_year else record.start


@login_required
def budget_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="budget", pk=pk)
    return _budget_page(request, record)


@login_required
@require_POST
def expenditure_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get_for_user(user=request.user, kind="budget", pk=pk)
    form = fd.ExpenditureForm(request.POST, user=request.user, line=record)
    if _call(form, services_budget.expenditure_add, actor=request.user, line=record,
             request=request) is not None:  # fmt: skip
        return redirect("programme:budget_detail", pk=pk)
    return _budget_page(request, record, form)
