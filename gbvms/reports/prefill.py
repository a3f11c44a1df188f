"""Pre-filling a report (REPORTING §B.3): its indicator values from the indicators engine, a
generated paragraph per outline section from the programme delivery records, the plan's task
progress; for a report that consolidates others, the pooled values and quoted paragraphs of
its children (``consolidate.py``).

One value (``Submission.values`` and snapshots), JSON-serialisable::

    {"indicator", "name", "kind", "period", "numerator", "denominator", "value", "target",
     "comparator", "status", "suppressed", "source"}

Values are read through the engine's own read path (``pages.total_cells`` and
``selectors.served`` for the suppressed audience: a report goes up the hierarchy, so its
readers are readers of aggregates, never a case supervisor); a hidden cell keeps no numbers.
Which indicators: those a confirmed target of the requirement's plan links, the response
indicators R01–R04, and the programme ones (P01–P09) with a non-zero cell. Periods: the report's
key for response indicators (cut-off windows included); the programme indicators have calendar
periods only, so a cut-off window reads its calendar half or year; the Action Month
(``2026AM``), which the engine has no period for, reads its year.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.indicators import pages, selectors
from gbvms.indicators import targets as indicator_targets
from gbvms.orgs.models import Agency, AgencyKind
from gbvms.plans.models import Assignment, TaskStatus
from gbvms.plans.models import Target as PlanTarget
from gbvms.programme import vocab
from gbvms.programme.models import (
    BudgetLine,
    Event,
    Expenditure,
    Inspection,
    ModelStatusChange,
    ProgrammeModel,
    Recommendation,
    TrainingParticipation,
)
from gbvms.reports import periods as report_periods
from gbvms.reports.errors import Conflict, Forbidden
from gbvms.reports.models import EDITABLE, Submission
from gbvms.reports.outline import outline_for
from gbvms.reports.selectors import SUBMIT, children_of

RESPONSE_CODES = ("R01", "R02", "R03", "R04")
PROGRAMME = "programme"
DONE = "done"


def engine_period(period_key: str, source: str) -> str:
    """The engine's period key that a report's period reads (see the module docstring)."""
    period = report_periods.parse(period_key)
    if period.type == "AM":
        return str(period.year)
    if source == PROGRAMME and period.cutoff:
        return str(period.year) if period.type == "Y" else period_key[:-1]
    return period.key


def planned_codes(plan: Any) -> set[str]:
    """The indicator codes the plan's confirmed targets link."""
    rows = PlanTarget.objects.filter(plan=plan, indicator_confirmed=True).exclude(indicator_code="")
    return set(rows.values_list("indicator_code", flat=True))


def _has_data(figure: dict[str, Any]) -> bool:
    return bool(figure["numerator"]) or bool(figure["denominator"]) or bool(figure["value"])


def target_fields(target: Any, row: dict[str, Any], period_key: str) -> dict[str, Any]:
    """``target``, ``comparator``, ``status`` of one value against a unit's target."""
    if target is None:
        return {"target": None, "comparator": None, "status": None}
    status = indicator_targets.target_status(
        target, n=row["numerator"], d=row["denominator"], value=row["value"],
        hidden=row["suppressed"], period_key=period_key,
    )  # fmt: skip
    return {"target": status["value"], "comparator": status["comparator"],
            "status": status["status"]}  # fmt: skip


def unit_values(unit_path: str, period_key: str, codes: set[str]) -> list[dict[str, Any]]:
    """The values of one unit for a report period, in catalogue order (a bounded number of
    queries, whatever the catalogue)."""
    versions = selectors.indicators_current()
    keys = {v.pk: engine_period(period_key, v.indicator.source) for v in versions}
    wanted = sorted(set(keys.values()))
    found = pages.total_cells(versions, [unit_path], wanted)
    denominators = pages.external_denominators(versions, [unit_path], wanted)
    year = report_periods.parse(period_key).year
    unit_targets = indicator_targets.targets_for_unit(unit_path, year)
    out = []
    for version in versions:
        indicator, key = version.indicator, keys[version.pk]
        cell = found.get((version.pk, unit_path, key))
        figure = selectors.served(
            cell, selectors.SUPPRESSED, version,
            denominator=denominators.get((indicator.pk, unit_path, key)),
        )  # fmt: skip
        chosen = indicator.code in codes or indicator.code in RESPONSE_CODES
        if not chosen and not (indicator.source == PROGRAMME and _has_data(figure)):
            continue
        row = {
            "indicator": indicator.code,
            "name": indicator.name_vi,
            "kind": indicator.kind,
            "period": key,
            "numerator": figure["numerator"],
            "denominator": figure["denominator"],
            "value": figure["value"],
            "suppressed": bool(figure["suppressed"]),
            "source": PROGRAMME if indicator.source == PROGRAMME else "response",
        }
        row.update(target_fields(unit_targets.get(indicator.pk), row, key))
        out.append(row)
    return out


def values_for(submission: Submission) -> list[dict[str, Any]]:
    """The live values of the submitter's unit for the submission's period."""
    obligation = submission.obligation
    codes = planned_codes(obligation.requirement.plan_id)
    return unit_values(obligation.submitter_unit.path, submission.period, codes)


def delivery_for(submission: Submission) -> dict[str, str]:
    """A generated paragraph per outline section from the period's delivery records (an empty
    string when there is nothing)."""
    obligation = submission.obligation
    period = report_periods.parse(submission.period)
    scope = _scope(obligation.submitter_agency, obligation.submitter_unit)
    builders = ACTION_MONTH_TEXTS if period.type == "AM" else PERIODIC_TEXTS
    keys = _keys(submission)
    return {key: builders[key](scope, period) if key in builders else "" for key in keys}


def progress_for(submission: Submission) -> str:
    """The submitter agency's task progress under the requirement's plan, for the tasks due by
    the period's end (or without a due date)."""
    obligation = submission.obligation
    end = report_periods.parse(submission.period).end
    tasks = Assignment.objects.filter(
        Q(due_on__isnull=True) | Q(due_on__lte=end),
        plan_id=obligation.requirement.plan_id,
        agency_id=obligation.submitter_agency_id,
    )
    statuses = list(tasks.values_list("status", "due_on"))
    if not statuses:
        return ""
    today = timezone.localdate()
    done = sum(1 for s, _due in statuses if s == TaskStatus.DONE)
    started = sum(1 for s, _due in statuses if s == TaskStatus.IN_PROGRESS)
    late = sum(1 for s, due in statuses if s != TaskStatus.DONE and due and due < today)
    return _(
        "Thực hiện kế hoạch: %(done)s/%(total)s nhiệm vụ đã hoàn thành, %(started)s nhiệm vụ "
        "đang thực hiện, %(late)s nhiệm vụ quá hạn."
    ) % {"done": done, "total": len(statuses), "started": started, "late": late}


def documents_for(submission: Submission) -> str:
    """The documents the submitter agency issued in the period: its plans (with their number
    and date) and the official documents registered from its reports (``DocumentRecord``)."""
    from gbvms.plans.models import Plan
    from gbvms.reports.models import DocumentRecord

    obligation = submission.obligation
    period = report_periods.parse(submission.period)
    between = {"gte": period.start, "lte": period.end}
    items: list[tuple[Any, str]] = []
    plans = Plan.objects.filter(
        issuer_id=obligation.submitter_agency_id,
        issued_on__gte=between["gte"],
        issued_on__lte=between["lte"],
    ).order_by("issued_on", "pk")
    for plan in plans[:30]:
        number = f" số {plan.document_number}" if plan.document_number else ""
        items.append((plan.issued_on, f"Kế hoạch{number} ngày {plan.issued_on:%d/%m/%Y} "
                                      f"({plan.title})"))  # fmt: skip
    records = DocumentRecord.objects.filter(
        issuer_id=obligation.submitter_agency_id, date__gte=between["gte"], date__lte=between["lte"]
    ).order_by("date", "number")
    for record in records[:30]:
        items.append((record.date, f"Văn bản số {record.reference} ngày {record.date:%d/%m/%Y} "
                                   f"({record.summary})"))  # fmt: skip
    if not items:
        return ""
    listed = "; ".join(text for _day, text in sorted(items, key=lambda item: item[0]))
    return f"Văn bản đã ban hành trong kỳ: {listed}."


def targets_text(values: list[dict[str, Any]]) -> str:
    """One sentence over the values that have a target."""
    with_target = [v for v in values if v.get("status")]
    if not with_target:
        return ""
    count = {s: sum(1 for v in with_target if v["status"] == s) for s in ("met", "not_met")}
    return _(
        "%(met)s/%(total)s chỉ tiêu đạt mục tiêu, %(not_met)s chỉ tiêu chưa đạt, %(other)s chỉ "
        "tiêu chưa đến hạn đánh giá hoặc chưa đủ số liệu."
    ) % {
        "met": count["met"],
        "total": len(with_target),
        "not_met": count["not_met"],
        "other": len(with_target) - count["met"] - count["not_met"],
    }


def _keys(submission: Submission) -> list[str]:
    kind = submission.obligation.requirement.kind
    return [key for key, _title in outline_for(submission.period, kind)]


def has_children(submission: Submission) -> bool:
    return children_of(submission).exists()


def current_values(submission: Submission) -> list[dict[str, Any]]:
    """What the submission's values are now: consolidated from its children when it has any,
    else the engine's values of its unit."""
    if has_children(submission):
        from gbvms.reports.consolidate import consolidated

        return consolidated(submission).values
    return values_for(submission)


def generated(
    submission: Submission, opening: bool = False
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(values, section texts) a prefill writes. ``opening``: the draft is being opened, when
    every child is still a draft, so the list of missing children is left out. The texts are
    Vietnamese whatever the caller's language: they go into the official document."""
    with translation.override("vi"):
        return _generated(submission, opening)


def _generated(
    submission: Submission, opening: bool
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    texts = delivery_for(submission)
    if has_children(submission):
        from gbvms.reports.consolidate import consolidated

        found = consolidated(submission)
        values = found.values
        for key, text in found.texts.items():
            texts[key] = "\n".join(t for t in (texts.get(key, ""), text) if t)
        if "data" in texts and found.missing_text and not opening:
            texts["data"] = "\n".join(t for t in (texts["data"], found.missing_text) if t)
    else:
        values = values_for(submission)
    keys = _keys(submission)
    if "direction" in keys:
        texts["direction"] = "\n".join(
            t for t in (progress_for(submission), documents_for(submission)) if t
        )
    if "targets" in keys:
        texts["targets"] = targets_text(values)
    return values, {key: texts.get(key, "") for key in keys}


def merged_sections(submission: Submission, texts: dict[str, str]) -> tuple[list, list[str]]:
    """The sections with the empty ones filled; and the keys filled."""
    current = {s["key"]: s.get("text", "") for s in submission.sections}
    sections, filled = [], []
    for key in _keys(submission):
        text = current.get(key, "")
        if not text.strip() and texts.get(key):
            text = texts[key]
            filled.append(key)
        sections.append({"key": key, "text": text})
    return sections, filled


def prefill_new(submission: Submission) -> None:
    """Fill a draft just opened (``submissions_open``): part of its creation, so its version
    stays 1."""
    values, texts = generated(submission, opening=True)
    sections, _filled = merged_sections(submission, texts)
    Submission.objects.filter(pk=submission.pk, version=submission.version).update(
        values=values, sections=sections
    )
    submission.values, submission.sections = values, sections


@transaction.atomic
def submission_prefill(*, submission: Submission, actor: Any = None) -> Submission:
    """Refresh the values of an editable submission and fill its empty sections with the
    generated text (what the submitter wrote is never overwritten). ``actor`` None: the
    system; otherwise it must be the submitter (``reports.submit``)."""
    if (
        actor is not None
        and not scoping.scoped(actor, SUBMIT, Submission.objects.filter(pk=submission.pk)).exists()
    ):
        raise Forbidden("forbidden")
    if submission.status not in EDITABLE:
        raise Conflict("not editable", code="not_editable")
    values, texts = generated(submission)
    sections, filled = merged_sections(submission, texts)
    rows = Submission.objects.filter(
        pk=submission.pk, version=submission.version, status__in=EDITABLE
    ).update(values=values, sections=sections, version=F("version") + 1,
             updated_at=timezone.now())  # fmt: skip
    if rows == 0:
        submission.refresh_from_db()
        code = "stale" if submission.status in EDITABLE else "not_editable"
        raise Conflict(code, code=code)
    log_action(
        action="reports.submission.prefilled",
        actor=actor,
        obj=submission,
        changes={"sections": filled, "values": len(values)},
    )
    submission.refresh_from_db()
    return submission


# ------------------------------------------------------------------------ delivery paragraphs
# Counts over the done records started in the report's period (the rules of
# ``gbvms.programme.aggregates``): led by the submitter agency inside its unit subtree; for a
# People's Committee, every agency's records of its unit (it reports for the whole commune).


def _scope(agency: Agency, unit: Any) -> Q:
    inside = Q(unit__path__startswith=unit.path)
    if agency.kind == AgencyKind.PEOPLES_COMMITTEE:
        return inside
    return inside & Q(lead_agency=agency)


def _window(period: Any) -> Q:
    return Q(status=DONE, start__gte=period.start, start__lte=period.end)


def _num(n: int | None) -> str:
    return f"{int(n or 0):,}".replace(",", ".")


def _listing(counts: dict[str, int], labels: dict[str, Any]) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], str(labels.get(kv[0], kv[0]))))
    return "; ".join(f"{labels.get(k, k)}: {_num(n)}" for k, n in items if n)


def _events_text(scope: Q, period: Any, exclude: set[str]) -> str:
    rows = list(
        Event.objects.filter(scope, _window(period))
        .exclude(kind__in=sorted(exclude))
        .values("kind")
        .annotate(n=Count("pk"), total=Sum("participants_total"), female=Sum("participants_female"),
                  male=Sum("participants_male"), other=Sum("participants_other"))
        .order_by()
    )  # fmt: skip
    if not rows:
        return ""
    sums = {k: sum(r[k] or 0 for r in rows) for k in ("n", "total", "female", "male", "other")}
    return _(
        "Tổ chức %(count)s hoạt động truyền thông (%(kinds)s), thu hút %(total)s lượt người tham "
        "gia (nữ %(female)s, nam %(male)s, khác/không rõ %(other)s)."
    ) % {
        "count": _num(sums["n"]),
        "kinds": _listing({r["kind"]: r["n"] for r in rows}, dict(vocab.EventKind.choices)),
        "total": _num(sums["total"]),
        "female": _num(sums["female"]),
        "male": _num(sums["male"]),
        "other": _num(sums["other"]),
    }


def communication_text(scope: Q, period: Any) -> str:
    return _events_text(scope, period, {"training", "model_meeting"})


def training_text(scope: Q, period: Any) -> str:
    events = Event.objects.filter(scope, _window(period), kind="training")
    count = events.count()
    if not count:
        return ""
    rows = list(
        TrainingParticipation.objects.filter(event__in=events)
        .values("group", "sex")
        .annotate(n=Sum("count"))
        .order_by()
    )
    by_sex: dict[str, int] = {}
    by_group: dict[str, int] = {}
    for row in rows:
        by_sex[row["sex"]] = by_sex.get(row["sex"], 0) + (row["n"] or 0)
        by_group[row["group"]] = by_group.get(row["group"], 0) + (row["n"] or 0)
    return _(
        "Tổ chức %(count)s lớp tập huấn với %(total)s lượt người tham gia (nữ %(female)s, nam "
        "%(male)s, khác %(other)s); theo nhóm đối tượng: %(groups)s."
    ) % {
        "count": _num(count),
        "total": _num(sum(by_sex.values())),
        "female": _num(by_sex.get("female")),
        "male": _num(by_sex.get("male")),
        "other": _num(by_sex.get("other")),
        "groups": _listing(by_group, dict(vocab.TargetGroup.choices)) or "—",
    }


def models_text(scope: Q, period: Any) -> str:
    """The models established by the period's end, by kind and by their status on that day."""
    rows = list(
        ProgrammeModel.objects.filter(scope, status=DONE, start__lte=period.end).values_list(
            "pk", "kind", "model_status"
        )
    )
    if not rows:
        return ""
    latest: dict[int, str] = {}
    changes = ModelStatusChange.objects.filter(
        model_id__in=[pk for pk, _k, _s in rows], on__lte=period.end
    ).order_by("model_id", "on", "id")
    for model_id, status in changes.values_list("model_id", "status"):
        latest[model_id] = status
    kinds: dict[str, int] = {}
    statuses: dict[str, int] = {}
    for pk, kind, status in rows:
        kinds[kind] = kinds.get(kind, 0) + 1
        now = latest.get(pk, status)
        statuses[now] = statuses.get(now, 0) + 1
    return _("Có %(count)s mô hình (%(kinds)s); tình trạng đến ngày %(date)s: %(statuses)s.") % {
        "count": _num(len(rows)),
        "kinds": _listing(kinds, dict(vocab.ModelKind.choices)),
        "date": period.end.strftime("%d/%m/%Y"),
        "statuses": _listing(statuses, dict(vocab.ModelStatus.choices)),
    }


def inspection_text(scope: Q, period: Any) -> str:
    inspections = Inspection.objects.filter(scope, _window(period))
    kinds = dict(inspections.values_list("kind").annotate(n=Count("pk")).order_by())
    if not kinds:
        return ""
    today = timezone.localdate()
    recs = Recommendation.objects.filter(inspection__in=inspections).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=~Q(status="done")),
        overdue=Count("pk", filter=~Q(status="done") & Q(due_date__lt=today)),
    )
    return _(
        "Tổ chức %(count)s cuộc kiểm tra, giám sát (%(kinds)s) với %(recs)s kiến nghị, trong đó "
        "%(open)s kiến nghị chưa khắc phục (%(overdue)s kiến nghị quá hạn)."
    ) % {
        "count": _num(sum(kinds.values())),
        "kinds": _listing(kinds, dict(vocab.InspectionKind.choices)),
        "recs": _num(recs["total"]),
        "open": _num(recs["open"]),
        "overdue": _num(recs["overdue"]),
    }


def funding_text(scope: Q, period: Any) -> str:
    """The budget lines of the period's fiscal year: allocated, and spent within the period,
    by funding source."""
    lines = BudgetLine.objects.filter(scope, status=DONE, fiscal_year=period.year)
    allocated = dict(
        lines.values_list("funding_source").annotate(a=Sum("amount_allocated")).order_by()
    )
    if not allocated:
        return ""
    spent = dict(
        Expenditure.objects.filter(
            budget_line__in=lines, date__gte=period.start, date__lte=period.end
        )
        .values_list("budget_line__funding_source")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    labels = dict(vocab.FundingSource.choices)
    sources = "; ".join(
        _("%(source)s: giao %(allocated)s đồng, đã chi %(spent)s đồng")
        % {"source": labels.get(k, k), "allocated": _num(a), "spent": _num(spent.get(k))}
        for k, a in sorted(allocated.items(), key=lambda kv: -(kv[1] or 0))
    )
    return _(
        "Kinh phí được giao %(allocated)s đồng, đã chi trong kỳ %(spent)s đồng (%(sources)s)."
    ) % {
        "allocated": _num(sum(v or 0 for v in allocated.values())),
        "spent": _num(sum(v or 0 for v in spent.values())),
        "sources": sources,
    }


def launch_text(scope: Q, period: Any) -> str:
    events = list(
        Event.objects.filter(scope, _window(period), kind="launch")
        .order_by("start", "pk")
        .values_list("start", "venue", "participants_total")
    )
    if not events:
        return ""
    places = "; ".join(
        f"{start.strftime('%d/%m/%Y')}{', ' + venue if venue else ''}"
        for start, venue, _n in events
    )
    return _("Tổ chức %(count)s lễ phát động (%(places)s) với %(total)s người tham dự.") % {
        "count": _num(len(events)),
        "places": places,
        "total": _num(sum(n or 0 for _s, _v, n in events)),
    }


def action_month_communication_text(scope: Q, period: Any) -> str:
    return _events_text(scope, period, {"training", "model_meeting", "launch"})


def support_text(scope: Q, period: Any) -> str:
    return " ".join(t for t in (models_text(scope, period), training_text(scope, period)) if t)


PERIODIC_TEXTS = {
    "communication": communication_text,
    "models": models_text,
    "training": training_text,
    "inspection": inspection_text,
    "funding": funding_text,
}
ACTION_MONTH_TEXTS = {
    "launch": launch_text,
    "communication": action_month_communication_text,
    "support": support_text,
    "inspection": inspection_text,
    "funding": funding_text,
}
