"""Writes of the programme delivery records: one function per use case, keyword-only, in a
transaction, with the acting user. The HTML pages, the JSON API and the XLSX import call these.

Rules that protect the data live here, not in forms:
* the acting user records for an agency they belong to (``programme.record``), or manages the
  unit (``programme.manage`` over it); the unit lies within the lead agency's unit;
* dates are in order and within 2000–2100; an event of a campaign lies inside its period;
* counts and amounts are non-negative; participants by sex (and by group) add up to the total;
* a plan activity must be one the user can see.
Every write marks the (programme, unit, year) keys of the indicators engine, before and after,
and is logged with its changes. ``record_cancel`` keeps the record (status ``cancelled``).
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.core import scoping
from gbvms.core.audit import log_action
from gbvms.geo.models import AdminUnit
from gbvms.indicators import outbox
from gbvms.orgs.models import Agency
from gbvms.programme import vocab
from gbvms.programme.models import (
    Campaign,
    Event,
    TrainingDetail,
    TrainingParticipation,
)
from gbvms.programme.selectors import recording_agencies

SOURCE = "programme"
PREFIX = {"campaign": "CD", "event": "HD", "training": "TH", "model": "MH", "inspection": "KT",
          "budget": "KP"}  # fmt: skip
MIN_YEAR, MAX_YEAR = 2000, 2100


# ------------------------------------------------------------------ shared rules


def invalid(field: str, message: str, code: str) -> ValidationError:
    """A field error with a stable code (``error_dict[field][0].code``)."""
    return ValidationError({field: ValidationError(message, code=code)})


def may_record(user: Any, agency: Agency, unit: AdminUnit) -> bool:
    """Whether ``user`` may record delivery of ``agency`` in ``unit``."""
    if scoping.has_permission(user, "programme.manage", unit.path):
        return True
    return recording_agencies(user).filter(pk=agency.pk).exists()


def check_actor(user: Any, agency: Agency, unit: AdminUnit) -> None:
    if not may_record(user, agency, unit):
        raise PermissionDenied(_("Bạn không ghi nhận kết quả cho cơ quan này."))


def check_place(agency: Agency, unit: AdminUnit) -> None:
    if not unit.path.startswith(agency.unit.path):
        raise invalid(
            "unit",
            _("Đơn vị %(unit)s không thuộc địa bàn của %(agency)s.")
            % {"unit": unit.name, "agency": agency.name},
            "unit_outside_agency",
        )
    if unit.valid_to is not None:
        raise invalid("unit", _("Đơn vị hành chính này không còn hiệu lực."), "unit_not_current")


def check_dates(start: datetime.date, end: datetime.date) -> None:
    for name, value in (("start", start), ("end", end)):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            raise invalid(name, _("Năm phải trong khoảng 2000–2100."), "bad_year")
    if end < start:
        raise invalid("end", _("Ngày kết thúc trước ngày bắt đầu."), "end_before_start")


def check_activity(user: Any, activity: Any, unit: AdminUnit | None = None) -> None:
    """A plan activity the user can see (its plan is visible with ``plans.view``), or one of a
    plan issued for the record's unit or a unit above it (a commune carries out the province's
    plan) or a national plan."""
    if activity is None:
        return
    from gbvms.plans.models import Plan

    plan = Plan.objects.filter(pk=activity.plan_id).select_related("unit").first()
    above = (
        plan is not None
        and unit is not None
        and (plan.unit is None or unit.path.startswith(plan.unit.path))
    )
    if (
        not above
        and not scoping.scoped(user, "plans.view", Plan).filter(pk=activity.plan_id).exists()
    ):
        raise invalid(
            "plan_activity", _("Không tìm thấy hoạt động của kế hoạch."), "activity_unknown"
        )


def check_codes(field: str, values: Iterable[str], vocabulary: str) -> list[str]:
    allowed = set(vocab.VOCABULARIES[vocabulary].values)
    values = list(dict.fromkeys(values))
    bad = [v for v in values if v not in allowed]
    if bad:
        raise invalid(
            field,
            _("Giá trị không có trong danh mục: %(codes)s.") % {"codes": ", ".join(bad)},
            "unknown_code",
        )
    return values


def new_code(kind: str, year: int) -> str:
    return f"{PREFIX[kind]}-{year}-{secrets.token_hex(3).upper()}"


def keys_of(unit_path: str, start: datetime.date, end: datetime.date) -> set[tuple[str, str, int]]:
    return {(SOURCE, unit_path, year) for year in range(start.year, end.year + 1)}


def mark(*key_sets: set[tuple[str, str, int]]) -> None:
    """The indicator cells of these (source, unit, year) keys must be recomputed."""
    keys: set[tuple[str, str, int]] = set().union(*key_sets)
    if keys:
        outbox.mark_keys(keys)


def save_new(record: Any, kind: str) -> Any:
    """Give ``record`` a fresh code and save it (a clash of codes draws another)."""
    for _attempt in range(5):
        record.code = new_code(kind, record.start.year)
        try:
            with transaction.atomic():
                record.save()
            return record
        except IntegrityError:
            if type(record).objects.filter(code=record.code).exists():
                continue
            raise
    raise RuntimeError("no free record code")  # pragma: no cover


def record_keys(record: Any) -> set[tuple[str, str, int]]:
    return keys_of(record.unit.path, record.start, record.end)


def log(action: str, *, actor: Any, record: Any, request: HttpRequest | None = None,
        changes: dict[str, Any] | None = None) -> None:  # fmt: skip
    log_action(action=f"programme.{action}", actor=actor, request=request, obj=record,
               changes=changes or {})  # fmt: skip


def common(
    *, actor: Any, record: Any, title: str, unit: AdminUnit, lead_agency: Agency,
    start: datetime.date, end: datetime.date, plan_activity: Any = None,
    status: str = "done", note: str = "",
) -> None:  # fmt: skip
    """Check and set the fields every record has."""
    check_actor(actor, lead_agency, unit)
    check_place(lead_agency, unit)
    check_dates(start, end)
    check_activity(actor, plan_activity, unit)
    check_codes("status", [status], "record_status")
    record.title, record.unit, record.lead_agency = title.strip(), unit, lead_agency
    record.start, record.end, record.plan_activity = start, end, plan_activity
    record.status, record.note = status, note.strip()
    record.updated_at = timezone.now()
    if record.pk is None:
        record.created_by = actor


def _clean(record: Any) -> None:
    record.full_clean(exclude=["code"] if not record.code else None)


# ------------------------------------------------------------------ campaigns


@transaction.atomic
def campaign_save(*, actor: Any, campaign: Campaign | None = None, kind: str, year: int,
                  title: str, theme: str = "", guidance_document: str = "",
                  unit: AdminUnit, lead_agency: Agency, start: datetime.date,
                  end: datetime.date, plan_activity: Any = None, status: str = "done",
                  note: str = "", coordinating_agencies: Iterable[Agency] = (),
                  request: HttpRequest | None = None) -> Campaign:  # fmt: skip
    """Create (``campaign=None``) or update a campaign (Action Month …)."""
    record = campaign or Campaign()
    before = record_keys(record) if record.pk else set()
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=start, end=end, plan_activity=plan_activity, status=status, note=note)  # fmt: skip
    check_codes("kind", [kind], "campaign_kind")
    if start.year != year and end.year != year:
        raise invalid(
            "year",
            _("Thời gian chiến dịch không thuộc năm %(year)s.") % {"year": year},
            "year_mismatch",
        )
    record.kind, record.theme, record.guidance_document = kind, theme.strip(), guidance_document
    _clean(record)
    created = record.pk is None
    save_new(record, "campaign") if created else record.save()
    record.coordinating_agencies.set(list(coordinating_agencies))
    outside = (
        record.events.exclude(start__gte=start, end__lte=end).exists() if not created else False
    )
    if outside:
        raise invalid(
            "end",
            _("Có hoạt động của chiến dịch nằm ngoài thời gian mới."),
            "events_outside_campaign",
        )
    mark(before, record_keys(record))
    log("campaign.created" if created else "campaign.updated", actor=actor, record=record,
        request=request)  # fmt: skip
    return record


# ------------------------------------------------------------------ events and trainings


def _media(outputs: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for row in outputs:
        kind, quantity = row.get("kind"), row.get("quantity")
        check_codes("media_outputs", [str(kind)], "media_kind")
        if not isinstance(quantity, int) or quantity < 0:
            raise invalid("media_outputs", _("Số lượng sản phẩm phải là số không âm."), "negative")
        clean.append({"kind": kind, "quantity": quantity})
    return clean


def _funding(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for row in rows:
        source, amount = row.get("source"), row.get("amount")
        check_codes("funding", [str(source)], "funding_source")
        if not isinstance(amount, int) or amount < 0:
            raise invalid("funding", _("Số tiền phải là số không âm."), "negative")
        clean.append({"source": source, "amount": amount})
    return clean


def _check_campaign(user: Any, campaign: Campaign | None, unit: AdminUnit,
                    start: datetime.date, end: datetime.date) -> None:  # fmt: skip
    """An event joins a campaign of its own unit or of a unit above it (a commune's events
    belong to the province's Action Month)."""
    if campaign is None:
        return
    if not unit.path.startswith(campaign.unit.path) or campaign.status == "cancelled":
        raise invalid("campaign", _("Không tìm thấy chiến dịch."), "campaign_unknown")
    if start < campaign.start or end > campaign.end:
        raise invalid(
            "start",
            _("Hoạt động phải diễn ra trong thời gian chiến dịch (%(start)s–%(end)s).")
            % {"start": f"{campaign.start:%d/%m/%Y}", "end": f"{campaign.end:%d/%m/%Y}"},
            "outside_campaign",
        )


def _participants(total: int | None, female: int, male: int, other: int) -> int:
    for value in (female, male, other):
        if value < 0:
            raise invalid("participants_total", _("Số người không được âm."), "negative")
    by_sex = female + male + other
    if total is None:
        return by_sex
    if total < 0:
        raise invalid("participants_total", _("Số người không được âm."), "negative")
    if by_sex and by_sex != total:
        raise invalid(
            "participants_total",
            _("Tổng số người tham gia (%(total)s) khác tổng theo giới tính (%(sum)s).")
            % {"total": total, "sum": by_sex},
            "participants_mismatch",
        )
    return total


@transaction.atomic
def event_save(*, actor: Any, event: Event | None = None, kind: str, title: str,
               unit: AdminUnit, lead_agency: Agency, start: datetime.date,
               end: datetime.date | None = None, plan_activity: Any = None,
               status: str = "done", note: str = "", campaign: Campaign | None = None,
               venue: str = "", audience_groups: Iterable[str] = (),
               participants_total: int | None = None, participants_female: int = 0,
               participants_male: int = 0, participants_other: int = 0,
               participants_ethnic: int | None = None,
               participants_disability: int | None = None,
               media_outputs: Iterable[dict[str, Any]] = (), reach_estimate: int | None = None,
               reach_source: str = "", cost_planned: int = 0, cost_actual: int = 0,
               funding: Iterable[dict[str, Any]] = (),
               coordinating_agencies: Iterable[Agency] = (), model: Any = None,
               request: HttpRequest | None = None) -> Event:  # fmt: skip
    """Create (``event=None``) or update a communication event (not a training: see
    ``training_save``)."""
    record = event or Event()
    if (record.pk and record.kind == "training") or kind == "training":
        raise invalid("kind", _("Tập huấn được ghi ở mục Tập huấn."), "use_training")
    end = end or start
    before = record_keys(record) if record.pk else set()
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=start, end=end, plan_activity=plan_activity, status=status, note=note)  # fmt: skip
    check_codes("kind", [kind], "event_kind")
    _check_campaign(actor, campaign, unit, start, end)
    total = _participants(participants_total, participants_female, participants_male,
                          participants_other)  # fmt: skip
    for name, value in (("participants_ethnic", participants_ethnic),
                        ("participants_disability", participants_disability)):  # fmt: skip
        if value is not None and not 0 <= value <= total:
            raise invalid(name, _("Phải từ 0 đến tổng số người tham gia."), "subgroup_too_large")
    if cost_planned < 0 or cost_actual < 0:
        raise invalid("cost_actual", _("Kinh phí không được âm."), "negative")
    record.kind, record.campaign, record.venue, record.model = kind, campaign, venue.strip(), model
    record.audience_groups = check_codes("audience_groups", audience_groups, "audience_group")
    record.participants_total = total
    record.participants_female, record.participants_male = participants_female, participants_male
    record.participants_other = participants_other
    record.participants_ethnic = participants_ethnic
    record.participants_disability = participants_disability
    record.media_outputs = _media(media_outputs)
    record.reach_estimate, record.reach_source = reach_estimate, reach_source.strip()
    record.cost_planned, record.cost_actual = cost_planned, cost_actual
    record.funding = _funding(funding)
    _clean(record)
    created = record.pk is None
    save_new(record, "event") if created else record.save()
    record.coordinating_agencies.set(list(coordinating_agencies))
    mark(before, record_keys(record))
    log("event.created" if created else "event.updated", actor=actor, record=record,
        request=request)  # fmt: skip
    return record


def _decimal(value: Any) -> Decimal | None:
    """A float from JSON or a form (5.8) as the decimal it was written as."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise invalid("post_score", _("Không phải là số."), "not_a_number") from None


def _participations(target_groups: list[str], participants: Iterable[dict[str, Any]]
                    ) -> dict[tuple[str, str], int]:  # fmt: skip
    counts: dict[tuple[str, str], int] = {}
    for row in participants:
        group, sex, count = row.get("group"), row.get("sex"), row.get("count")
        check_codes("participants", [str(group)], "target_group")
        check_codes("participants", [str(sex)], "sex")
        if not isinstance(count, int) or count < 0:
            raise invalid("participants", _("Số người phải là số không âm."), "negative")
        if group not in target_groups:
            raise invalid(
                "participants",
                _("Nhóm %(group)s không có trong các nhóm đối tượng của lớp.")
                % {"group": vocab.label("target_group", str(group))},
                "group_not_targeted",
            )
        key = (str(group), str(sex))
        counts[key] = counts.get(key, 0) + count
    return counts


@transaction.atomic
def training_save(*, actor: Any, event: Event | None = None, title: str, topic: str,
                  unit: AdminUnit, lead_agency: Agency, start: datetime.date,
                  end: datetime.date | None = None, plan_activity: Any = None,
                  target_groups: Iterable[str], participants: Iterable[dict[str, Any]],
                  participants_total: int | None = None, status: str = "done",
                  note: str = "", level: str = "", days: Any = None, hours: Any = None,
                  trainers_count: int = 0, trainer_source: str = "",
                  pre_score: Any = None, post_score: Any = None, venue: str = "",
                  campaign: Campaign | None = None, cost_planned: int = 0,
                  cost_actual: int = 0, funding: Iterable[dict[str, Any]] = (),
                  coordinating_agencies: Iterable[Agency] = (),
                  request: HttpRequest | None = None) -> Event:  # fmt: skip
    """Create (``event=None``) or update a training: an ``Event`` of kind training with its
    detail and its participants by target group × sex (the total is their sum)."""
    record = event or Event()
    if record.pk and record.kind != "training":
        raise invalid("kind", _("Đây không phải là lớp tập huấn."), "not_training")
    end = end or start
    before = record_keys(record) if record.pk else set()
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=start, end=end, plan_activity=plan_activity, status=status, note=note)  # fmt: skip
    check_codes("topic", [topic], "training_topic")
    groups = check_codes("target_groups", target_groups, "target_group")
    if not groups:
        raise invalid("target_groups", _("Chọn ít nhất một nhóm đối tượng."), "required")
    level = level or ("commune" if unit.level == "commune" else "province")
    check_codes("level", [level], "training_level")
    if trainer_source:
        check_codes("trainer_source", [trainer_source], "trainer_source")
    _check_campaign(actor, campaign, unit, start, end)
    counts = _participations(groups, participants)
    by_sex = {s: sum(c for (_g, sx), c in counts.items() if sx == s) for s in vocab.Sex.values}
    total = sum(counts.values())
    if participants_total is not None and participants_total != total:
        raise invalid(
            "participants",
            _("Tổng số học viên (%(total)s) khác tổng theo nhóm và giới tính (%(sum)s).")
            % {"total": participants_total, "sum": total},
            "participants_mismatch",
        )
    if status == "done" and total == 0:
        raise invalid("participants", _("Lớp đã tổ chức phải có số học viên."), "no_participants")
    if cost_planned < 0 or cost_actual < 0 or trainers_count < 0:
        raise invalid("cost_actual", _("Số liệu không được âm."), "negative")
    record.kind, record.campaign, record.venue = "training", campaign, venue.strip()
    record.participants_total = total
    record.participants_female, record.participants_male = by_sex["female"], by_sex["male"]
    record.participants_other = by_sex["other"]
    record.cost_planned, record.cost_actual = cost_planned, cost_actual
    record.funding = _funding(funding)
    record.audience_groups = []
    _clean(record)
    created = record.pk is None
    save_new(record, "training") if created else record.save()
    record.coordinating_agencies.set(list(coordinating_agencies))
    detail = TrainingDetail.objects.filter(event=record).first() or TrainingDetail(event=record)
    detail.topic, detail.target_groups, detail.level = topic, groups, level
    detail.days, detail.hours = days, hours
    detail.trainers_count, detail.trainer_source = trainers_count, trainer_source
    detail.pre_score, detail.post_score = _decimal(pre_score), _decimal(post_score)
    detail.days, detail.hours = _decimal(days), _decimal(hours)
    detail.full_clean()
    detail.save()
    record.participations.all().delete()
    TrainingParticipation.objects.bulk_create(
        [TrainingParticipation(event=record, group=g, sex=s, count=c)
         for (g, s), c in sorted(counts.items()) if c]
    )  # fmt: skip
    mark(before, record_keys(record))
    log("training.created" if created else "training.updated", actor=actor, record=record,
        request=request, changes={"participants": total})  # fmt: skip
    return record


# ------------------------------------------------------------------ any record


@transaction.atomic
def record_cancel(*, actor: Any, record: Any, reason: str = "",
                  request: HttpRequest | None = None) -> Any:  # fmt: skip
    """Mark a record cancelled (it stays, with its history); its indicator cells change. The
    row is locked first, so two cancels at once write one change (and one history row)."""
    check_actor(actor, record.lead_agency, record.unit)
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.status == "cancelled":
        record.status = "cancelled"
        return record
    old = locked.status
    record.status = "cancelled"
    if reason.strip():
        record.note = "\n".join(filter(None, [locked.note, reason.strip()]))[:2000]
    record.updated_at = timezone.now()
    record._history_user = actor  # simple-history: who made this change
    record.save(update_fields=["status", "note", "updated_at"])
    mark(record_keys(record))
    log(f"{type(record)._meta.model_name}.cancelled", actor=actor, record=record,
        request=request, changes={"status": [old, "cancelled"]})  # fmt: skip
    return record
