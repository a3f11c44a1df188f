"""Case pages: quick intake, list and search, the case page, the classification wizard."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gbvms.cases import changes, classification, selectors, services
from gbvms.cases.export import case_document
from gbvms.cases.forms import (
    CaseFilterForm,
    ClassifySaveForm,
    ClassifyStepForm,
    IdentitySearchForm,
    QuickIntakeForm,
    answers_from,
)
from gbvms.cases.models import GBV_TYPE_CHOICES
from gbvms.cases.views_care import case_page_context
from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.core.forms_util import add_service_errors
from gbvms.core.pagination import keyset_page, query_without_page


def _require(request: HttpRequest, permission: str) -> None:
    if not scoping.has_permission(request.user, permission):
        raise PermissionDenied


def _open(actor: Any, request: HttpRequest, data: dict[str, Any]) -> services.Opened:
    return services.case_open(
        actor=actor,
        survivor=services.SurvivorData(
            full_name=data["full_name"],
            phone=data["phone"],
            birth_year=data["birth_year"],
            sex=data["sex"],
        ),
        channel=data["channel"],
        commune=data["commune"],
        detected_at=data["detected_at"],
        incident=services.IncidentData(violence_forms=data["violence_forms"]),
        immediate_danger=data["immediate_danger"],
        safe_contact=data["safe_contact"],
        request=request,
    )


INTAKE_DONE = "cases.intake_done"  # session key: what the last intakes opened, by submission
INTAKE_DONE_KEPT = 20


def _remember(request: HttpRequest, submission: str, opened: services.Opened) -> None:
    done = request.session.get(INTAKE_DONE, {})
    done[submission] = {
        "code": opened.case.code,
        "unit": str(opened.case.unit),
        "owning_agency": str(opened.case.owning_agency),
        "visible_codes": opened.duplicates.visible_codes,
        "hidden_count": opened.duplicates.hidden_count,
    }
    request.session[INTAKE_DONE] = dict(list(done.items())[-INTAKE_DONE_KEPT:])
    request.session["cases.intake_last"] = submission


@login_required
@require_http_methods(["GET", "POST"])
def case_intake(request: HttpRequest) -> HttpResponse:
    """Post, then redirect: a reload shows the result again and never opens a second case;
    a second POST of the same form (back button, double click) opens none either."""
    _require(request, "cases.intake")
    form = QuickIntakeForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        submission = str(form.cleaned_data.pop("submission") or "")
        if submission and submission in request.session.get(INTAKE_DONE, {}):
            request.session["cases.intake_last"] = submission
            return redirect("cases:intake_done")
        try:
            opened = _open(request.user, request, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _remember(request, submission or opened.case.code, opened)
            return redirect("cases:intake_done")
    return render(request, "cases/intake.html", {"form": form})


@login_required
@require_GET
def case_intake_done(request: HttpRequest) -> HttpResponse:
    """What the last intake opened (its code, and possible duplicates), from the session."""
    _require(request, "cases.intake")
    done = request.session.get(INTAKE_DONE, {}).get(request.session.get("cases.intake_last"))
    if done is None:
        return redirect("cases:intake")
    context = {
        "case": done,
        "duplicates": selectors.Duplicates(done["visible_codes"], done["hidden_count"]),
    }
    return render(request, "cases/intake_done.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    _require(request, "cases.view")
    filters = CaseFilterForm(request.GET or None, user=request.user)
    search = IdentitySearchForm(request.POST or None)
    if request.method == "POST" and search.is_valid():
        cases = selectors.case_search_by_identity(user=request.user, **search.cleaned_data)
        # what was searched for is never logged, only which fields were used
        used = {k: bool(v) for k, v in search.cleaned_data.items()}
        log_action(action="cases.case.searched", actor=request.user, request=request, changes=used)
    else:
        data = filters.cleaned_data if filters.is_valid() else {}
        cases = selectors.case_list(user=request.user, **{k: v for k, v in data.items() if v})
    page = keyset_page(cases, request.GET.get("after", "")[:100])
    context = {
        "page": page,
        "filters": filters,
        "search": search,
        "query": query_without_page(request),
    }
    template = "cases/list.html#rows" if request.htmx else "cases/list.html"
    return render(request, template, context)


@login_required
@require_GET
def case_detail(request: HttpRequest, code: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, code=code, request=request)
    return render(request, "cases/detail.html", case_page_context(case))


@login_required
@require_GET
def case_print(request: HttpRequest, code: str) -> HttpResponse:
    """A printable record of the case (written to the access log as a print)."""
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, action="cases.case.printed"
    )
    context = case_page_context(case) | {"safety_plan": getattr(case, "safety_plan", None)}
    return render(request, "cases/print.html", context)


@login_required
@require_GET
def case_export(request: HttpRequest, code: str) -> HttpResponse:
    """The case as a JSON file (written to the access log as an export); never cached."""
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, action="cases.case.exported"
    )
    response = JsonResponse(case_document(case), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="{case.code}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def case_classify(request: HttpRequest, code: str) -> HttpResponse:
    """The GBVIMS wizard: one question at a time, stopping at the first 'yes'."""
    case = selectors.case_get_for_user(
        user=request.user, code=code, request=request, for_write=True, action="cases.case.opened"
    )
    answers = answers_from(request.POST) if request.method == "POST" else {}
    if request.method == "POST" and request.POST.get("answer") in {"yes", "no"}:
        question = classification.next_question(answers)
        if question is not None:
            answers[question.code] = request.POST["answer"] == "yes"
    step = ClassifyStepForm(answers=answers)
    gbv_type = classification.classify_type(answers)
    save_form = ClassifySaveForm(request.POST if "save" in request.POST else None)
    if gbv_type and "save" in request.POST and save_form.is_valid():
        done = _classify_save(request, case, answers, save_form)
        if done is not None:
            return done
    context = {
        "case": case,
        "step": step,
        "gbv_type": gbv_type,
        "type_label": dict(GBV_TYPE_CHOICES).get(gbv_type or ""),
        "save_form": save_form,
        "answered": [(q, answers[q.code]) for q in classification.QUESTIONS if q.code in answers],
        # the version the wizard was started at, carried from step to step
        "read_version": changes.parse_version(request.POST.get("case_version")),
    }
    template = "cases/classify.html#wizard" if request.htmx else "cases/classify.html"
    return render(request, template, context)


def _classify_save(
    request: HttpRequest, case: Any, answers: dict[str, bool], form: ClassifySaveForm
) -> HttpResponse | None:
    data = form.cleaned_data
    try:
        with transaction.atomic():  # refused when the case changed since the wizard began
            changes.case_claim(case, changes.parse_version(request.POST.get("case_version")))
            _classify_store(request, case, answers, data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, _("Đã lưu phân loại."))
    response = redirect("cases:detail", code=case.code)
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = f"/cases/{case.code}/"
    return response


def _classify_store(
    request: HttpRequest, case: Any, answers: dict[str, bool], data: dict[str, Any]
) -> None:
    services.incident_classify(
        actor=request.user,
        case=case,
        data=services.IncidentData(
            occurred_on=data["occurred_on"],
            answers=answers,
            relationships=data["relationships"],
            exchange=data["exchange"],
            abduction=data["abduction"],
            harmful_traditional_practice=data["harmful_traditional_practice"],
        ),
        request=request,
    )
