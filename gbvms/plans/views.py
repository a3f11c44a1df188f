"""Plans pages: list, import with review, the plan page, editing by hand, agency tasks and
the reporting calendar (HTML and iCalendar)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gbvms.core import scoping
from gbvms.core.forms_util import add_service_errors
from gbvms.core.pagination import paginate, query_without_page
from gbvms.geo.models import Level
from gbvms.geo.selectors import units_within_grant
from gbvms.indicators.views_targets import plan_target_rows
from gbvms.plans import ical, selectors, services, vntext
from gbvms.plans.delivery import (
    activity_record_counts,
    agency_programme_calendar,
    plan_delivery,
    record_new_urls,
    review_requirements,
)
from gbvms.plans.documents import UnreadableDocumentError, read_document
from gbvms.plans.forms import (
    AgencyChoiceForm,
    HeaderForm,
    TaskForm,
    UploadForm,
    review_formsets,
    reviewed_result,
)
from gbvms.plans.models import ActivityAgency, PlanImport, PlanStatus, TaskStatus
from gbvms.reports.deadlines import agency_deadlines, entry_states


def _require(request: HttpRequest, permission: str) -> None:
    if not scoping.has_permission(request.user, permission):
        raise PermissionDenied


def issuing_units(user: Any) -> Any:
    return (
        units_within_grant(user, "plans.manage")
        .filter(level__in=[Level.PROVINCE, Level.COMMUNE])
        .order_by("path")
    )


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    _require(request, "plans.view")
    q = request.GET.get("q", "")[:100]
    status = request.GET.get("status", "")
    status = status if status in PlanStatus.values else ""
    page = paginate(request, selectors.plan_list(user=request.user, q=q, status=status))
    context = {
        "page": page,
        "q": q,
        "status": status,
        "statuses": PlanStatus.choices,
        "query": query_without_page(request),
        "agencies": selectors.my_agencies(request.user),
        "can_manage": scoping.has_permission(request.user, "plans.manage"),
    }
    template = "plans/plan_list.html#rows" if request.htmx else "plans/plan_list.html"
    return render(request, template, context)


# ------------------------------------------------------------------------------------ import


@login_required
@require_http_methods(["GET", "POST"])
def plan_import(request: HttpRequest) -> HttpResponse:
    _require(request, "plans.manage")
    national = scoping.NATIONAL in scoping.grants(request.user, "plans.manage")
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        units=issuing_units(request.user),
        national=national,
    )

    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        try:
            if upload:
                text, name = read_document(upload.name, upload.read()), upload.name
            else:
                text, name = form.cleaned_data["text"], _("Văn bản dán vào")
            started = services.import_start(
                actor=request.user, name=name, text=text, unit=form.cleaned_data.get("unit")
            )
        except UnreadableDocumentError as exc:
            form.add_error("file", exc.as_validation_error())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("plans:review", pk=started.pk)
    return render(request, "plans/import.html", {"form": form})


def _review_context(
    plan_import: PlanImport,
    header: HeaderForm,
    formsets: dict[str, Any],
    agency_forms: list[AgencyChoiceForm],
) -> dict[str, Any]:
    source = plan_import.source_text.splitlines()

    def at(line: Any) -> str:
        try:
            number = int(line)
        except (TypeError, ValueError):
            return ""
        return source[number - 1].strip() if 0 < number <= len(source) else ""

    result = plan_import.result
    return {
        "training_requirements": review_requirements(result),
        "plan_import": plan_import,
        "header": header,
        "formsets": formsets,
        "rows": {
            prefix: [(form, form["line"].value(), at(form["line"].value())) for form in fs.forms]
            for prefix, fs in formsets.items()
        },
        "header_sources": [
            (_("Tên văn bản"), result.get("title_line"), at(result.get("title_line"))),
            (_("Cơ quan ban hành"), result.get("issuer_line"), at(result.get("issuer_line"))),
            (
                _("Số, ký hiệu"),
                result.get("document_number_line"),
                at(result.get("document_number_line")),
            ),
            (_("Ngày ban hành"), result.get("issued_on_line"), at(result.get("issued_on_line"))),
        ],
        "agency_forms": agency_forms,
        "warnings": result.get("warnings", []),
        "line_count": len(source),
    }


def _agency_forms(
    request: HttpRequest, plan_import: PlanImport, index: services.AgencyIndex
) -> list[AgencyChoiceForm]:
    candidates = index.agencies()
    forms = []
    for i, name in enumerate(services.names_in(plan_import.result)):
        match = index.match(name)
        initial = (
            str(match.pk)
            if match
            else (AgencyChoiceForm.NEW if plan_import.unit and not vntext.is_generic(name) else "")
        )
        forms.append(
            AgencyChoiceForm(
                request.POST or None,
                prefix=f"agency-{i}",
                agencies=candidates,
                can_create=plan_import.unit is not None,
                initial={"name": name, "choice": initial},
            )
        )
    return forms


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    plan_import = get_object_or_404(PlanImport, pk=pk, created_by=request.user)
    if plan_import.plan_id:
        return redirect("plans:detail", pk=plan_import.plan_id)
    result = plan_import.result
    period = result.get("period") or {}
    header = HeaderForm(
        request.POST or None,
        initial={
            "title": result.get("title"),
            "issuer": result.get("issuer"),
            "document_number": result.get("document_number"),
            "issued_on": result.get("issued_on"),
            "start_year": period.get("start_year"),
            "end_year": period.get("end_year"),
            "start": period.get("start"),
            "end": period.get("end"),
            "basis": "\n".join(result.get("basis", [])),
        },
    )
    formsets = review_formsets(request.POST or None, result)
    index = services.AgencyIndex(plan_import.unit)  # read once for the forms and the choices
    agency_forms = _agency_forms(request, plan_import, index)
    if request.method == "POST":
        valid = header.is_valid() & all([fs.is_valid() for fs in formsets.values()])
        valid &= all([f.is_valid() for f in agency_forms])
        if valid:
            reviewed = reviewed_result(header, formsets, result.get("campaigns", []))
            reviewed["training_requirements"] = result.get("training_requirements", [])
            choices = _choices(agency_forms, index)
            try:
                plan = services.import_confirm(
                    actor=request.user,
                    plan_import=plan_import,
                    result=reviewed,
                    choices=choices,
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(header, exc)
            else:
                messages.success(request, _("Đã lưu kế hoạch, phân công và lịch báo cáo."))
                return redirect("plans:detail", pk=plan.pk)
    context = _review_context(plan_import, header, formsets, agency_forms)
    return render(
        request, "plans/review.html", context, status=400 if request.method == "POST" else 200
    )


def _choices(
    agency_forms: list[AgencyChoiceForm], index: services.AgencyIndex
) -> services.AgencyChoices:
    choices = services.AgencyChoices()
    allowed = {a.pk: a for a in index.agencies()}
    for form in agency_forms:
        name, choice = form.cleaned_data["name"], form.cleaned_data.get("choice") or ""
        if choice == AgencyChoiceForm.NEW:
            choices.create.add(name)
        elif choice.isdigit() and int(choice) in allowed:
            choices.matched[name] = allowed[int(choice)]
    return choices


# ------------------------------------------------------------------------------------ plan page


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    progress = selectors.plan_progress(plan)
    activities = plan.activities.prefetch_related(
        "phases", Prefetch("agencies", queryset=ActivityAgency.objects.select_related("agency"))
    )
    groups: dict[str, list[Any]] = {}
    delivery = plan_delivery(request.user, plan)
    for a in activities:
        a.delivery = delivery.get(a.pk)
        a.status = progress["activity_status"].get(a.pk, TaskStatus.NOT_STARTED)
        a.status_label = TaskStatus(a.status).label
        groups.setdefault(a.group or "", []).append(a)
    today = timezone.localdate()
    context = {
        "plan": plan,
        "groups": groups,
        "progress": progress,
        "targets": plan.targets.all(),
        "target_links": plan_target_rows(plan, selectors.can_manage(request.user, plan)),
        "responsibilities": plan.responsibilities.select_related("agency"),
        "reporting": plan.reporting.all(),
        "events": plan.events.all(),
        "calendar": plan.calendar.filter(due_on__gte=today, withdrawn_at__isnull=True)[:20],
        "next_deadline": selectors.next_deadline(plan),
        "can_manage": selectors.can_manage(request.user, plan),
        "training_requirements": plan.training_requirements.select_related(
            "activity", "unit_scope"
        ),
    }
    return render(request, "plans/plan_detail.html", context)


@login_required
@require_GET
def plan_source(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get(user=request.user, pk=pk)
    return render(request, "plans/source.html", {"plan": plan, "lines": plan.source_lines()})


# ------------------------------------------------------------------------------------ tasks


@login_required
@require_GET
def my_tasks(request: HttpRequest) -> HttpResponse:
    agencies = list(selectors.my_agencies(request.user))
    if len(agencies) == 1:
        return redirect("plans:agency_tasks", pk=agencies[0].pk)
    return render(request, "plans/my_agencies.html", {"agencies": agencies})


@login_required
@require_GET
def agency_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_for_tasks(user=request.user, pk=pk)
    status = request.GET.get("status", "")
    status = status if status in [*TaskStatus.values, "overdue"] else ""
    page = paginate(request, selectors.agency_tasks(agency, status), per_page=50)
    record_counts = activity_record_counts(
        request.user, {t.activity_id for t in page if t.activity_id}
    )
    can_record = scoping.has_permission(request.user, "programme.record", agency.unit.path)
    new_urls = record_new_urls() if can_record else {}
    for task in page:
        task.record_count = record_counts.get(task.activity_id, 0)
        task.new_urls = new_urls
        task.form = TaskForm(
            initial={"status": task.status, "note": task.note, "evidence_url": task.evidence_url},
            prefix=f"t{task.pk}",
        )
    today = timezone.localdate()
    context = {
        "agency": agency,
        "page": page,
        "status": status,
        "query": query_without_page(request),
        "statuses": [*TaskStatus.choices, ("overdue", _("Quá hạn"))],
        **_calendar(request.user, agency, today),
        "reminders": selectors.agency_reminders(agency)[:20],
        "programme": agency_programme_calendar(request.user, agency, today),
    }
    return render(request, "plans/agency_tasks.html", context)


def _calendar(user: Any, agency: Any, today: Any) -> dict[str, Any]:
    """The agency's coming dates, each report deadline with the state of the agency's report
    (``reports.deadlines``), and this year's report deadlines the user may see."""
    deadlines = agency_deadlines(user, agency, today.year)
    states = entry_states(deadlines)
    calendar = list(selectors.agency_calendar(agency, since=today)[:30])
    for entry in calendar:
        entry.deadline = states.get((entry.requirement_id, entry.due_on))
    return {"calendar": calendar, "deadlines": deadlines}


@login_required
@require_POST
def task_update(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.assignment_get_for_user(user=request.user, pk=pk, for_write=True)
    form = TaskForm(request.POST, prefix=f"t{task.pk}")
    if form.is_valid():
        services.assignment_update(
            actor=request.user, assignment=task, request=request, **form.cleaned_data
        )
        if not request.htmx:
            messages.success(request, _("Đã cập nhật nhiệm vụ."))
    task.form = form
    if request.htmx:
        ids = {task.activity_id} if task.activity_id else set()
        task.record_count = activity_record_counts(request.user, ids).get(task.activity_id, 0)
        path = task.agency.unit.path
        may = scoping.has_permission(request.user, "programme.record", path)
        task.new_urls = record_new_urls() if may else {}
        return render(request, "plans/_task.html", {"task": task, "saved": form.is_valid()})
    return redirect("plans:agency_tasks", pk=task.agency_id)


@login_required
@require_GET
def agency_ics(request: HttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_for_tasks(user=request.user, pk=pk)
    # every date of the agency's plans, past ones included (a calendar app keeps history)
    body = ical.calendar(selectors.agency_calendar(agency)[:5000], name=agency.name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="gbvms-agency-{agency.pk}.ics"'
    return response
