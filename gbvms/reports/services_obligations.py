"""Who owes which report to whom (REPORTING §B.2), and opening the drafts of a year.

The obligation matrix is generated from a plan: for each reporting requirement with a
recipient agency, the agencies tasked under the plan and the commune People's Committees of
the plan's unit report to that recipient (neither the recipient nor the plan's issuer report
to it) — or, when the recipient sits outside the plan's unit (the ministry for a province
plan) or is the plan's issuer (the province People's Committee), the plan's lead agency (the
recipient of its other requirements; failing that, its issuer) reports to it, so that its
report consolidates its children's. Only units valid on the
end date of one of the requirement's periods count (AdminUnit.valid_from/valid_to, inclusive).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.geo.models import AdminUnit, Level
from gbvms.orgs.models import Agency, AgencyKind
from gbvms.plans.models import Plan, ReportingRequirement, ReportKind
from gbvms.reports import periods
from gbvms.reports.models import ReportingObligation, Submission
from gbvms.reports.outline import empty_sections
from gbvms.reports.prefill import prefill_new

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
DUE_TIME = datetime.time(23, 59, 59)
ACTION_MONTH = re.compile(r"tháng\s+hành\s+động", re.IGNORECASE)


def _due_day(requirement: ReportingRequirement, year: int) -> datetime.date | None:
    if requirement.due_date:
        return requirement.due_date
    if not (requirement.due_month and requirement.due_day):
        return None
    day = requirement.due_day
    while day > 27:  # 29/02 in a common year → 28/02
        try:
            return datetime.date(year, requirement.due_month, day)
        except ValueError:
            day -= 1
    try:
        return datetime.date(year, requirement.due_month, day)
    except ValueError:
        return None


def periods_for(requirement: ReportingRequirement, year: int) -> list[str]:
    """The period keys ``requirement`` asks a report for in ``year``.

    A report due before its calendar period ends covers the cut-off window of Nghị định
    09/2019 (``2026S1C``, ``2026C``); one due after it covers the calendar period. A report
    whose requirement names the Action Month covers ``2026AM``; a one-off report, the year of
    its due date."""
    due = _due_day(requirement, year)
    if due is None:
        return []
    if ACTION_MONTH.search(requirement.text or ""):
        return [periods.action_month(year)] if due.year == year else []
    if requirement.kind == ReportKind.ONCE or requirement.due_date:
        return [str(year)] if due.year == year else []
    if requirement.kind == ReportKind.SEMIANNUAL:
        key = f"{year}S1" if due.month <= 8 else f"{year}S2"
    else:
        key = str(year)
    return [key + "C"] if due < periods.parse(key).end else [key]


def due_at(requirement: ReportingRequirement, period: str) -> datetime.datetime:
    """23:59:59 Vietnam time on the due date of ``requirement`` for ``period``."""
    parsed = periods.parse(period)
    day = _due_day(requirement, parsed.year)
    if day is None:
        day = parsed.end
    return datetime.datetime.combine(day, DUE_TIME, tzinfo=VIETNAM)


def valid_on(unit: AdminUnit, day: datetime.date) -> bool:
    return (unit.valid_from is None or unit.valid_from <= day) and (
        unit.valid_to is None or unit.valid_to >= day
    )


def _end_dates(requirement: ReportingRequirement) -> list[datetime.date]:
    years = requirement.plan.years() or [timezone.localdate().year]
    return [periods.parse(k).end for y in years for k in periods_for(requirement, y)]


def _upward(plan: Plan, recipient: Agency) -> bool:
    return plan.unit is not None and not recipient.unit.path.startswith(plan.unit.path)


def _leads(plan: Plan, requirements: list[ReportingRequirement]) -> list[Agency]:
    """The agencies that consolidate the plan's reports: the recipients inside the plan's
    unit; without any, the plan's issuer."""
    found = {
        r.recipient.pk: r.recipient
        for r in requirements
        if r.recipient is not None and r.recipient.is_active and not _upward(plan, r.recipient)
    }
    if not found and plan.issuer is not None and plan.issuer.is_active:
        found[plan.issuer.pk] = plan.issuer
    return list(found.values())


def _issuing_body(plan: Plan, recipient: Agency) -> bool:
    """The plan's issuer, or (the issuer known by name only) the People's Committee of the
    plan's own unit, which issues a plan of that level."""
    if plan.issuer_id:
        return recipient.pk == plan.issuer_id
    return (
        plan.unit_id is not None
        and recipient.kind == AgencyKind.PEOPLES_COMMITTEE
        and recipient.unit_id == plan.unit_id
    )


def _submitters(plan: Plan, recipient: Agency, leads: list[Agency]) -> list[Agency]:
    consolidating = [a for a in leads if a.pk != recipient.pk]
    if _upward(plan, recipient) or (_issuing_body(plan, recipient) and consolidating):
        # the ministry above, or the issuing People's Committee: the lead agency reports to
        # it, consolidating what the others sent to the lead
        return consolidating
    tasked = Agency.objects.filter(
        pk__in=plan.assignments.values("agency_id"), is_active=True
    ).select_related("unit")
    found = {a.pk: a for a in tasked}
    if plan.unit is not None:
        communes = Agency.objects.filter(
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit__level=Level.COMMUNE,
            unit__path__startswith=plan.unit.path,
            is_active=True,
        ).select_related("unit")
        found.update({a.pk: a for a in communes})
    found.pop(recipient.pk, None)
    if plan.issuer_id:
        found.pop(plan.issuer_id, None)  # the lead agency consolidates for the issuer
    return list(found.values())


@dataclass
class GenerateResult:
    created: list[ReportingObligation] = field(default_factory=list)
    reactivated: int = 0
    deactivated: int = 0
    skipped: list[int] = field(default_factory=list)  # requirements without a recipient


def _check_manage(actor: Any, plan: Plan) -> None:
    path = plan.unit.path if plan.unit_id else scoping.NATIONAL
    if not scoping.has_permission(actor, "plans.manage", path):
        raise PermissionDenied("plans.manage")


@transaction.atomic
def obligations_generate(*, plan: Plan, actor: Any) -> GenerateResult:
    """Bring the plan's obligations up to date: add the missing ones, reactivate those that
    apply again, deactivate those that no longer apply. Never deletes (submissions keep their
    obligation)."""
    _check_manage(actor, plan)
    result = GenerateResult()
    wanted: dict[tuple[int, int, int], Agency] = {}
    recipients: dict[int, Agency] = {}
    requirements = list(plan.reporting.select_related("recipient__unit", "plan"))
    leads = _leads(plan, requirements)
    for requirement in requirements:
        recipient = requirement.recipient
        if recipient is None or not recipient.is_active:
            result.skipped.append(requirement.pk)
            continue
        recipients[recipient.pk] = recipient
        ends = _end_dates(requirement)
        for agency in _submitters(plan, recipient, leads):
            if any(valid_on(agency.unit, day) for day in ends):
                wanted[(requirement.pk, agency.pk, recipient.pk)] = agency
    existing = ReportingObligation.objects.filter(requirement__in=requirements)
    for obligation in existing:
        if obligation.manual:  # a programme officer's choice stands
            wanted.pop((obligation.requirement_id, obligation.submitter_agency_id,
                        obligation.recipient_agency_id), None)  # fmt: skip
            continue
        key = (obligation.requirement_id, obligation.submitter_agency_id,
               obligation.recipient_agency_id)  # fmt: skip
        applies = wanted.pop(key, None) is not None
        if applies and not obligation.active:
            result.reactivated += ReportingObligation.objects.filter(
                pk=obligation.pk, active=False
            ).update(active=True)
        elif not applies and obligation.active:
            result.deactivated += ReportingObligation.objects.filter(
                pk=obligation.pk, active=True
            ).update(active=False)
    for (requirement_id, _agency_id, recipient_id), agency in wanted.items():
        obligation = ReportingObligation(
            requirement_id=requirement_id,
            submitter_agency=agency,
            submitter_unit=agency.unit,
            recipient_agency=recipients[recipient_id],
            recipient_unit=recipients[recipient_id].unit,
            created_by=actor,
        )
        obligation.full_clean()
        obligation.save()
        result.created.append(obligation)
    log_action(
        action="reports.obligations.generated",
        actor=actor,
        obj=plan,
        changes={
            "created": len(result.created),
            "reactivated": result.reactivated,
            "deactivated": result.deactivated,
        },
    )
    return result


def _plan_covers(plan: Plan, year: int) -> bool:
    years = plan.years()
    return not years or year in years


@transaction.atomic
def submissions_open(
    *, year: int, actor: Any = None, obligations: Iterable[ReportingObligation] | None = None
) -> list[Submission]:
    """A draft per active obligation and period of ``year`` (the submitter's unit valid on
    the period's end date). Idempotent: an existing submission is left as it is."""
    if obligations is None:
        obligations = ReportingObligation.objects.filter(active=True).select_related(
            "requirement__plan", "submitter_unit"
        )
    opened: list[Submission] = []
    for obligation in obligations:
        requirement = obligation.requirement
        if not obligation.active or not _plan_covers(requirement.plan, year):
            continue
        for key in periods_for(requirement, year):
            if not valid_on(obligation.submitter_unit, periods.parse(key).end):
                continue
            submission, created = Submission.objects.get_or_create(
                obligation=obligation,
                period=key,
                defaults={
                    "due_at": due_at(requirement, key),
                    "sections": empty_sections(key, requirement.kind),
                },
            )
            if created:
                prefill_new(submission)  # values and generated texts, still version 1
                opened.append(submission)
    if opened:
        log_action(
            action="reports.submissions.opened",
            actor=actor,
            object_kind="reports.submission",
            object_id=str(year),
            changes={"opened": len(opened)},
        )
    return opened


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: message}, code=code)


@transaction.atomic
def obligation_add(
    *, requirement: ReportingRequirement, submitter_agency: Agency, actor: Any
) -> ReportingObligation:
    """A programme officer adds an agency that owes the reports of ``requirement`` (one-off,
    campaign or any report the plan's text did not spell out) to its recipient. An existing
    obligation is switched on again. Marked manual: generating never undoes it."""
    _check_manage(actor, requirement.plan)
    recipient = requirement.recipient
    if recipient is None or not recipient.is_active:
        raise _invalid("requirement", _("Yêu cầu báo cáo chưa có cơ quan nhận."), "no_recipient")
    if not submitter_agency.is_active:
        raise _invalid("agency", _("Cơ quan không còn hoạt động."), "inactive_agency")
    if submitter_agency.pk == recipient.pk:
        raise _invalid("agency", _("Cơ quan nhận không tự báo cáo cho mình."), "self")
    plan = requirement.plan
    if plan.unit_id and not submitter_agency.unit.path.startswith(plan.unit.path):
        raise _invalid("agency", _("Cơ quan không thuộc địa bàn của kế hoạch."), "outside_plan")
    obligation, created = ReportingObligation.objects.select_for_update().get_or_create(
        requirement=requirement,
        submitter_agency=submitter_agency,
        recipient_agency=recipient,
        defaults={
            "submitter_unit": submitter_agency.unit,
            "recipient_unit": recipient.unit,
            "created_by": actor,
            "manual": True,
        },
    )
    if not created:
        ReportingObligation.objects.filter(pk=obligation.pk).update(active=True, manual=True)
        obligation.refresh_from_db()
    log_action(action="reports.obligation.added", actor=actor, obj=obligation,
               changes={"created": created})  # fmt: skip
    return obligation


@transaction.atomic
def obligation_set_active(
    *, obligation: ReportingObligation, active: bool, actor: Any
) -> ReportingObligation:
    """Switch an obligation on or off by hand (its drafts and reports are kept); generating
    leaves it so afterwards."""
    _check_manage(actor, obligation.requirement.plan)
    ReportingObligation.objects.filter(pk=obligation.pk).update(active=active, manual=True)
    obligation.refresh_from_db()
    log_action(action="reports.obligation.switched", actor=actor, obj=obligation,
               changes={"active": active})  # fmt: skip
    return obligation
