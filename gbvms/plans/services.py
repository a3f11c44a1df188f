"""Writes for plans: saving a reviewed import, assignments, the reporting calendar, reminders."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping, uploads
from gbvms.core.audit import log_action
from gbvms.core.roles import ROLES
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency, AgencyKind, Membership
from gbvms.plans import vntext
from gbvms.plans.models import (
    Activity,
    ActivityAgency,
    Assignment,
    CalendarEntry,
    EventKind,
    Phase,
    Plan,
    PlanEvent,
    PlanImport,
    Reminder,
    ReportingRequirement,
    ReportKind,
    Responsibility,
    Role,
    Target,
)
from gbvms.plans.services_training import save_imported

# ------------------------------------------------------------------------------------ agencies

KIND_WORDS = [
    (r"lao dong thuong binh|ldtbxh", AgencyKind.LABOUR_SOCIAL),
    (r"noi vu", AgencyKind.HOME_AFFAIRS),
    (r"lien doan lao dong|cong doan|ldld", AgencyKind.TRADE_UNION),
    (r"cong an", AgencyKind.POLICE),
    (r"y te|benh vien|tram y te", AgencyKind.HEALTH),
    (r"tu phap", AgencyKind.JUSTICE),
    (r"giao duc|truong ", AgencyKind.EDUCATION),
    (r"van hoa|the thao|du lich", AgencyKind.CULTURE),
    (r"thong tin|truyen thong", AgencyKind.INFORMATION),
    (r"ke hoach|dau tu", AgencyKind.PLANNING),
    (r"tai chinh", AgencyKind.FINANCE),
    (r"thong ke", AgencyKind.STATISTICS),
    (r"toa an", AgencyKind.COURT),
    (r"kiem sat", AgencyKind.PROCURACY),
    (r"bien phong", AgencyKind.BORDER_GUARD),
    (r"phu nu|lhpn", AgencyKind.WOMENS_UNION),
    (r"doan thanh nien|tinh doan|huyen doan|thanh doan", AgencyKind.YOUTH_UNION),
    (r"nong dan", AgencyKind.FARMERS_UNION),
    (r"mat tran", AgencyKind.FATHERLAND_FRONT),
    (r"^dai |^bao |phat thanh|truyen hinh", AgencyKind.MEDIA),
    (r"uy ban nhan dan|ubnd", AgencyKind.PEOPLES_COMMITTEE),
    (r"cong ty|doanh nghiep", AgencyKind.ENTERPRISE),
]


def guess_kind(name: str) -> str:
    folded = vntext.fold(name)
    for pattern, kind in KIND_WORDS:
        if re.search(pattern, folded):
            return kind
    return AgencyKind.OTHER


def province_of(unit: AdminUnit | None) -> str | None:
    return "/" + unit.path.strip("/").split("/")[0] + "/" if unit else None


LEVEL_WORDS = [
    (r"\b(?:tinh|thanh pho truc thuoc trung uong)$", "province"),
    (r"\b(?:xa|phuong|dac khu|thi tran)$", "commune"),
    # districts were abolished in 2025: a district body matches no current agency
    (r"\b(?:huyen|quan|thi xa)$", "district"),
]


def _level_named(name: str) -> str | None:
    """'Hội LHPN tỉnh' names a province-level body, 'UBND xã' a commune's."""
    folded = vntext.fold(vntext.squash(name)).rstrip(".")
    for pattern, level in LEVEL_WORDS:
        if re.search(pattern, folded):
            return level
    return None


class AgencyIndex:
    """Agencies a plan can name, keyed by normalised name (abbreviations, case, diacritics and
    the place qualifier ignored): those of the plan's province, or all for a national plan.
    Of several with the same key, the one of the plan's own unit (or the unit above it) wins,
    and a name ending in 'tỉnh' or 'xã' only matches an agency of that level."""

    def __init__(self, unit: AdminUnit | None) -> None:
        agencies = Agency.objects.filter(is_active=True).select_related("unit")
        prefix = province_of(unit)
        if prefix:
            agencies = agencies.filter(unit__path__startswith=prefix)

        def closeness(agency: Agency) -> tuple[int, int]:
            above = unit is not None and unit.path.startswith(agency.unit.path)
            return (0 if above else 1, -len(agency.unit.path))

        self.by_key: dict[str, list[Agency]] = {}
        for agency in sorted(agencies, key=closeness):
            for name in dict.fromkeys(filter(None, [agency.name, agency.short_name])):
                self.by_key.setdefault(vntext.agency_key(name), []).append(agency)

    def agencies(self) -> list[Agency]:
        seen = {a.pk: a for found in self.by_key.values() for a in found}
        return sorted(seen.values(), key=lambda a: (a.unit.path, a.name))

    def match(self, name: str) -> Agency | None:
        if not name or vntext.is_generic(name):
            return None
        level = _level_named(name)
        for agency in self.by_key.get(vntext.agency_key(name), []):
            if level is None or agency.unit.level == level:
                return agency
        return None


def names_in(result: dict[str, Any]) -> list[str]:
    """Every agency name a reviewed import mentions, in order, once."""
    names: list[str] = []
    for activity in result.get("activities", []):
        names.extend(activity.get("lead", []) + activity.get("coordinating", []))
    names.extend(r["agency"] for r in result.get("responsibilities", []))
    names.extend(r["to"] for r in result.get("reporting", []) if r.get("to"))
    return list(dict.fromkeys(n for n in names if n))


# ------------------------------------------------------------------------------------ imports


def import_start(*, actor: Any, name: str, text: str, unit: AdminUnit | None) -> PlanImport:
    from gbvms.plans.importer import parse_plan

    if not scoping.has_permission(actor, "plans.manage", unit.path if unit else "/"):
        raise PermissionDenied
    if not text.strip():
        raise ValidationError({"text": _("Văn bản trống.")}, code="empty")
    if len(text) > settings.TEXT_MAX_CHARS:  # never store more than the text limit
        raise ValidationError({"text": uploads.text_too_long()})
    return PlanImport.objects.create(
        created_by=actor,
        source_name=name[:255],
        source_text=text,
        result=parse_plan(text),
        unit=unit,
    )


def _date(value: Any) -> datetime.date | None:
    if not value:
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        return None


@dataclass
class AgencyChoices:
    """The officer's decision for each name: an existing agency, a new one, or none."""

    matched: dict[str, Agency] = field(default_factory=dict)
    create: set[str] = field(default_factory=set)


def _resolve(
    names: list[str], choices: AgencyChoices, unit: AdminUnit | None, actor: Any
) -> dict[str, Agency]:
    resolved = dict(choices.matched)
    for name in names:
        if name in resolved or name not in choices.create:
            continue
        if unit is None:
            raise ValidationError(
                _("Kế hoạch của trung ương: chọn cơ quan có sẵn cho “%(name)s”.") % {"name": name}
            )
        agency = Agency.objects.create(name=name[:200], kind=guess_kind(name), unit=unit)
        log_action(
            action="orgs.agency.created", actor=actor, obj=agency, changes={"source": "plan_import"}
        )
        resolved[name] = agency
    return resolved


@transaction.atomic
def import_confirm(
    *,
    actor: Any,
    plan_import: PlanImport,
    result: dict[str, Any],
    choices: AgencyChoices,
    request: HttpRequest | None = None,
) -> Plan:
    """Save the reviewed (corrected) result as a plan with its assignments and calendar."""
    if plan_import.plan_id:
        raise ValidationError(_("Văn bản này đã được lưu thành kế hoạch."), code="saved")
    unit = plan_import.unit
    if not scoping.has_permission(actor, "plans.manage", unit.path if unit else "/"):
        raise PermissionDenied
    agencies = _resolve(names_in(result), choices, unit, actor)
    period = result.get("period") or {}
    plan = Plan(
        title=(result.get("title") or "").strip()[:500],
        unit=unit,
        issuer_name=(result.get("issuer") or "")[:200],
        issuer=agencies.get(result.get("issuer") or ""),
        document_number=(result.get("document_number") or "")[:60],
        issued_on=_date(result.get("issued_on")),
        basis=list(result.get("basis") or []),
        start_year=period.get("start_year"),
        end_year=period.get("end_year"),
        starts_on=_date(period.get("start")),
        ends_on=_date(period.get("end")),
        source_name=plan_import.source_name,
        source_text=plan_import.source_text,
        created_by=actor,
    )
    if not plan.title:
        raise ValidationError({"title": _("Cần có tên kế hoạch.")}, code="title")
    plan.full_clean()
    plan.save()
    _save_children(plan, result, agencies)
    save_imported(plan, result.get("training_requirements") or [])
    _sync_targets(plan, actor)
    plan_rebuild(plan)
    PlanImport.objects.filter(pk=plan_import.pk).update(plan=plan)
    log_action(
        action="plans.plan.imported",
        actor=actor,
        request=request,
        obj=plan,
        changes={"activities": len(result.get("activities", []))},
    )
    return plan


def _sync_targets(plan: Plan, actor: Any) -> None:
    """Targets confirmed at review become the plan unit's yearly targets."""
    from gbvms.indicators.targets import plan_target_confirm

    for target in plan.targets.filter(indicator_confirmed=True):
        plan_target_confirm(
            actor=actor,
            target=target,
            indicator_code=target.indicator_code,
            params=target.indicator_params,
        )


def _save_children(plan: Plan, result: dict[str, Any], agencies: dict[str, Agency]) -> None:
    for t in result.get("targets", []):
        Target.objects.create(
            plan=plan,
            text=t["text"],
            comparator=t["comparator"],
            value=t["value"],
            unit=t["unit"],
            year=t.get("year"),
            source_line=t.get("line"),
            indicator_code=t.get("indicator") or "",
            indicator_params=t.get("indicator_params") or {},
            indicator_confirmed=bool(t.get("indicator_confirmed") and t.get("indicator")),
        )
    for order, a in enumerate(result.get("activities", [])):
        activity = Activity.objects.create(
            plan=plan,
            order=order,
            code=(a.get("code") or "")[:20],
            group=(a.get("group") or "")[:500],
            title=a["title"],
            solution=a.get("solution") or "",
            budget=a.get("budget") or "",
            place=(a.get("place") or "")[:300],
            source_line=a.get("line"),
        )
        for role, key in ((Role.LEAD, "lead"), (Role.COORDINATING, "coordinating")):
            for name in a.get(key, []):
                ActivityAgency.objects.create(
                    activity=activity, role=role, name=name[:300], agency=agencies.get(name)
                )
        for p in a.get("timeline", []):
            Phase.objects.create(
                activity=activity,
                from_year=p.get("from_year"),
                to_year=p.get("to_year"),
                frequency=p.get("frequency", ""),
                text=p.get("text", ""),
            )
    for r in result.get("responsibilities", []):
        Responsibility.objects.create(
            plan=plan,
            name=r["agency"][:300],
            agency=agencies.get(r["agency"]),
            duties=r.get("duties", []),
            source_line=r.get("line"),
        )
    for r in result.get("reporting", []):
        requirement_create(plan, r, agencies.get(r.get("to") or ""))
    for e in result.get("events", []):
        PlanEvent.objects.create(
            plan=plan,
            title=e["title"][:500] or "—",
            date=_date(e.get("date")),
            place=(e.get("place") or "")[:300],
            source_line=e.get("line"),
        )
    for c in result.get("campaigns", []):
        PlanEvent.objects.create(
            plan=plan,
            kind=EventKind.CAMPAIGN,
            title=c["text"][:500],
            date=_date(c.get("start")),
            end_date=_date(c.get("end")),
            source_line=c.get("line"),
        )


def requirement_create(
    plan: Plan,
    data: dict[str, Any],
    recipient: Agency | None,
    requirement: ReportingRequirement | None = None,
) -> ReportingRequirement:
    """Save a reporting requirement; an existing one is updated in place (its calendar dates
    and their sent reminders stay linked to it)."""
    due = data.get("due") or ""
    requirement = requirement or ReportingRequirement(plan=plan, source_line=data.get("line"))
    requirement.kind = data["kind"]
    requirement.text = data.get("text", "")
    requirement.recipient_name = (data.get("to") or "")[:300]
    requirement.recipient = recipient
    requirement.due_date, requirement.due_month, requirement.due_day = None, None, None
    if len(due) == 10:
        requirement.due_date = _date(due)
    elif len(due) == 5:
        requirement.due_month, requirement.due_day = int(due[:2]), int(due[3:])
    requirement.save()
    return requirement


# ------------------------------------------------------------------------------------ rebuild


def _year_end(year: int | None) -> datetime.date | None:
    return datetime.date(year, 12, 31) if year else None


def plan_rebuild(plan: Plan) -> None:
    """Assignments and calendar from the plan's current content. Existing assignments keep
    their status, notes and evidence; ones no longer named are removed."""
    _rebuild_assignments(plan)
    calendar_build(plan)


def _rebuild_assignments(plan: Plan) -> None:
    wanted: dict[tuple[int, str, int | None, int | None], datetime.date | None] = {}
    for link in (
        ActivityAgency.objects.filter(activity__plan=plan, agency__isnull=False)
        .select_related("activity")
        .prefetch_related("activity__phases")
    ):
        due = _year_end(link.activity.last_year() or plan.end_year)
        wanted[(link.agency_id, link.role, link.activity_id, None)] = due
    for r in plan.responsibilities.filter(agency__isnull=False):
        wanted[(r.agency_id, Role.RESPONSIBLE, None, r.pk)] = _year_end(plan.end_year)
    existing = {
        (a.agency_id, a.role, a.activity_id, a.responsibility_id): a for a in plan.assignments.all()
    }
    for key, assignment in existing.items():
        if key not in wanted:
            assignment.delete()
        elif assignment.due_on != wanted[key]:
            Assignment.objects.filter(pk=assignment.pk).update(due_on=wanted[key])
    Assignment.objects.bulk_create(
        [
            Assignment(
                plan=plan,
                agency_id=k[0],
                role=k[1],
                activity_id=k[2],
                responsibility_id=k[3],
                due_on=due,
            )
            for k, due in wanted.items()
            if k not in existing
        ]
    )


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


REPORT_TITLES = {
    ReportKind.SEMIANNUAL: _("Báo cáo 6 tháng"),
    ReportKind.ANNUAL: _("Báo cáo năm"),
    ReportKind.ONCE: _("Báo cáo"),
    ReportKind.OTHER: _("Báo cáo định kỳ"),
}


EntryKey = tuple[int | None, int | None, datetime.date]


def _entry_key(entry: CalendarEntry) -> EntryKey:
    return (entry.requirement_id, entry.event_id, entry.due_on)


def calendar_build(plan: Plan) -> list[CalendarEntry]:
    """Due dates for every year of the plan's period (6-monthly and annual reports), one-off
    reports, events and campaign periods; reminders queued for the assigned agencies.

    Rebuilt by difference, so editing a plan never deletes or re-sends a reminder already sent:
    an entry whose key (its requirement or event, and its date) still applies is kept with its
    reminders (title and kind brought up to date); new ones are added; one that no longer
    applies is deleted with its unsent reminders, or, when some were sent, withdrawn (kept out
    of the calendar, its sent reminders kept)."""
    wanted = {_entry_key(e): e for e in _calendar_wanted(plan)}
    kept: set[EntryKey] = set()
    for entry in plan.calendar.order_by("pk"):
        key = _entry_key(entry)
        if key in wanted and key not in kept:
            kept.add(key)
            _entry_refresh(entry, wanted[key])
        elif entry.reminders.filter(sent_at__isnull=False).exists():
            entry.reminders.filter(sent_at__isnull=True).delete()
            if entry.withdrawn_at is None:
                CalendarEntry.objects.filter(pk=entry.pk).update(withdrawn_at=timezone.now())
        else:
            entry.delete()
    CalendarEntry.objects.bulk_create([e for k, e in wanted.items() if k not in kept])
    _queue_reminders(plan)
    return list(plan.calendar.filter(withdrawn_at__isnull=True))


def _entry_refresh(entry: CalendarEntry, wanted: CalendarEntry) -> None:
    fields = {"kind": wanted.kind, "title": wanted.title, "ends_on": wanted.ends_on,
              "withdrawn_at": None}  # fmt: skip
    if any(getattr(entry, name) != value for name, value in fields.items()):
        CalendarEntry.objects.filter(pk=entry.pk).update(**fields)


def _calendar_wanted(plan: Plan) -> list[CalendarEntry]:
    entries: list[CalendarEntry] = []
    years = plan.years()
    for r in plan.reporting.all():
        title = (
            f"{REPORT_TITLES.get(r.kind, _('Báo cáo'))} — {plan.document_number or plan.title[:80]}"
        )
        if r.due_date:
            dates = [r.due_date]
        elif r.due_month and r.due_day:
            dates = [d for y in years if (d := _safe_date(y, r.due_month, r.due_day))]
        else:
            dates = []
        entries += [
            CalendarEntry(plan=plan, requirement=r, kind=r.kind, title=title[:500], due_on=d)
            for d in dates
        ]
    for e in plan.events.all():
        if e.date:
            entries.append(
                CalendarEntry(
                    plan=plan,
                    event=e,
                    kind=e.kind,
                    title=e.title[:500],
                    due_on=e.date,
                    ends_on=e.end_date,
                )
            )
    return entries


def _reminder_windows(due_on: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    """Per GBVMS_PLAN_REMINDER_DAYS (14, 3): the days in which that reminder is due, from its
    day to the next reminder's (the last one: to the due date)."""
    offsets = sorted(set(settings.PLAN_REMINDER_DAYS), reverse=True)
    starts = [due_on - datetime.timedelta(days=d) for d in offsets]
    ends = [*starts[1:], due_on + datetime.timedelta(days=1)]
    return list(zip(starts, ends, strict=True))


def _queue_reminders(plan: Plan) -> None:
    """For each current entry and tasked agency, one reminder per window not yet covered by a
    reminder (sent or not); a window already past is left to the next one. Unsent reminders
    of agencies no longer tasked are removed."""
    today = timezone.localdate()
    recipients = set(plan.reporting.exclude(recipient=None).values_list("recipient_id", flat=True))
    agencies = set(plan.assignments.values_list("agency_id", flat=True)) - recipients
    current = plan.calendar.filter(due_on__gte=today, withdrawn_at__isnull=True)
    queued = Reminder.objects.filter(entry__in=current)
    queued.filter(sent_at__isnull=True).exclude(agency_id__in=agencies).delete()
    have: dict[tuple[int, int], list[datetime.date]] = {}
    for entry_id, agency_id, remind_on in queued.values_list("entry_id", "agency_id", "remind_on"):
        have.setdefault((entry_id, agency_id), []).append(remind_on)
    rows = []
    for entry in current:
        for start, end in _reminder_windows(entry.due_on):
            if today >= end:
                continue
            rows += [
                Reminder(entry=entry, agency_id=a, remind_on=max(start, today))
                for a in agencies
                if not any(start <= d < end for d in have.get((entry.pk, a), []))
            ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)


# ------------------------------------------------------------------------------------ tasks


def can_update_task(user: Any, assignment: Assignment) -> bool:
    """Members of the assigned agency, or programme officers over its unit."""
    member = Membership.objects.filter(
        user=user, agency=assignment.agency_id, is_active=True
    ).exists()
    return member or scoping.has_permission(user, "plans.manage", assignment.agency.unit.path)


@transaction.atomic
def assignment_update(
    *,
    actor: Any,
    assignment: Assignment,
    status: str,
    note: str = "",
    evidence_url: str = "",
    request: HttpRequest | None = None,
) -> Assignment:
    if not can_update_task(actor, assignment):
        raise PermissionDenied
    old = assignment.status
    assignment.status, assignment.note, assignment.evidence_url = status, note.strip(), evidence_url
    assignment.updated_by, assignment.updated_at = actor, timezone.now()
    assignment.full_clean()
    assignment.save()
    log_action(
        action="plans.task.updated",
        actor=actor,
        request=request,
        obj=assignment,
        changes={"status": [old, status]},
    )
    return assignment


def send_reminders(today: datetime.date | None = None) -> int:
    """E-mail the members of each agency whose reminders are due (plan and date only) and mark
    them sent; the agency's task page lists them too. Returns how many were sent. Each
    reminder is claimed by a conditional update (two runs at once send it once) and its
    e-mail goes out after that commits.

    A reporting deadline whose requirement has active obligations is reminded by the reports
    app instead (``gbvms.reports.reminders``: 7, 3 and 1 days before, and overdue, per
    submission), which this also runs; its calendar reminders are not sent."""
    from gbvms.reports.reminders import send_report_reminders

    today = today or timezone.localdate()
    due = Reminder.objects.filter(
        sent_at__isnull=True, remind_on__lte=today, entry__due_on__gte=today,
        entry__withdrawn_at__isnull=True,  # a date an edit removed (calendar_build)
    ).exclude(entry__requirement__obligations__active=True)  # fmt: skip
    sent = sum(_send_reminder(pk) for pk in list(due.values_list("pk", flat=True)))
    return sent + send_report_reminders(today)


@transaction.atomic
def _send_reminder(pk: int) -> int:
    if not Reminder.objects.filter(pk=pk, sent_at__isnull=True).update(sent_at=timezone.now()):
        return 0  # sent by another run meanwhile
    reminder = Reminder.objects.select_related("entry", "entry__plan").get(pk=pk)
    roles = [code for code, role in ROLES.items() if "plans.view" in role.permissions]
    emails = list(
        Membership.objects.filter(
            agency=reminder.agency_id, is_active=True, role__in=roles, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
    entry = reminder.entry
    if emails:
        link = reverse("plans:agency_tasks", args=[reminder.agency_id])
        subject = _("[GBVMS] Hạn %(date)s: %(title)s") % {
            "date": entry.due_on.strftime("%d/%m/%Y"),
            "title": entry.title[:120],
        }
        message = _("Kế hoạch: %(plan)s\nHạn: %(date)s\nXem nhiệm vụ của cơ quan: %(link)s") % {
            "plan": entry.plan.title[:200],
            "date": entry.due_on.strftime("%d/%m/%Y"),
            "link": link,
        }
        transaction.on_commit(
            lambda: send_mail(
                subject=subject, message=message, from_email=None, recipient_list=emails,
                fail_silently=True,
            )
        )  # fmt: skip
    return 1
