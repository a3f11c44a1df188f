"""Writes of programme models (mô hình): create/update, status changes, evaluations.

Same rules as ``services``: keyword-only, one transaction, the acting user records for the lead
agency (or manages the unit), stable error codes, audit log, indicator outbox marks before and
after. A model's record period is its establishment day (``start = end = established_on``); its
indicator keys run from the year it was established to the current year (P03/P04 count it every
year it runs). Every status change is kept as a ``ModelStatusChange`` row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme import vocab
from gbvms.programme.models import ModelEvaluation, ModelStatusChange, ProgrammeModel
from gbvms.programme.selectors import recording_agencies, records
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
    may_record,
    save_new,
)


def model_keys(model: ProgrammeModel) -> set[tuple[str, str, int]]:
    """(programme, unit, year) for every year from the establishment to the current year."""
    if model.pk is None or model.start is None:
        return set()
    first = model.start.year
    last = max(first, timezone.localdate().year)
    return {(SOURCE, model.unit.path, year) for year in range(first, last + 1)}


def _check_day(field: str, value: datetime.date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise invalid(field, _("Năm phải trong khoảng 2000–2100."), "bad_year")


def _check_links(actor: Any, record: ProgrammeModel, kind: str, replicated_from: Any,
                 linked_provider: Any) -> None:  # fmt: skip
    if linked_provider is not None and kind not in vocab.PROVIDER_MODEL_KINDS:
        raise invalid(
            "linked_provider",
            _(
                "Chỉ địa chỉ tin cậy và cơ sở tại trung tâm công tác xã hội "
                "gắn với danh bạ dịch vụ."
            ),
            "provider_not_allowed",
        )
    if replicated_from is not None:
        same = record.pk is not None and replicated_from.pk == record.pk
        if same or not records(actor, "model").filter(pk=replicated_from.pk).exists():
            raise invalid("replicated_from", _("Không tìm thấy mô hình gốc."), "model_unknown")


@transaction.atomic
def model_save(*, actor: Any, model: ProgrammeModel | None = None, kind: str, title: str,
               unit: AdminUnit, lead_agency: Agency, established_on: datetime.date,
               model_status: str = "active", host: str = "", established_by: str = "",
               replicated_from: ProgrammeModel | None = None, members_female: int = 0,
               members_male: int = 0, linked_provider: Any = None, plan_activity: Any = None,
               status: str = "done", note: str = "",
               request: HttpRequest | None = None) -> ProgrammeModel:  # fmt: skip
    """Create (``model=None``) or update a model. Creation writes its first status change
    (on ``established_on``); a later change of ``model_status`` writes one dated today."""
    record = model or ProgrammeModel()
    before = model_keys(record)
    old_status, old_start = record.model_status if record.pk else None, record.start
    common(actor=actor, record=record, title=title, unit=unit, lead_agency=lead_agency,
           start=established_on, end=established_on, plan_activity=plan_activity,
           status=status, note=note)  # fmt: skip
    check_codes("kind", [kind], "model_kind")
    check_codes("model_status", [model_status], "model_status")
    if old_status == "dissolved" and model_status != "dissolved":
        raise _dissolved()
    _check_links(actor, record, kind, replicated_from, linked_provider)
    if members_female < 0 or members_male < 0:
        raise invalid("members_female", _("Số thành viên không được âm."), "negative")
    record.kind, record.model_status = kind, model_status
    record.host, record.established_by = host.strip(), established_by.strip()
    record.replicated_from, record.linked_provider = replicated_from, linked_provider
    record.members_female, record.members_male = members_female, members_male
    record.full_clean(exclude=["code"] if not record.code else None)
    created = record.pk is None
    save_new(record, "model") if created else record.save()
    if created:
        ModelStatusChange.objects.create(
            model=record, status=model_status, on=established_on, changed_by=actor
        )
    else:
        if old_start != established_on:
            # the first status change is the establishment: it moves with it
            record.status_changes.filter(on=old_start).update(on=established_on)
            record.status_changes.filter(on__lt=established_on).update(on=established_on)
        if old_status != model_status:
            today = max(timezone.localdate(), established_on)
            ModelStatusChange.objects.create(
                model=record, status=model_status, on=today, changed_by=actor
            )
    mark(before, model_keys(record))
    log("model.created" if created else "model.updated", actor=actor, record=record,
        request=request,
        changes={"model_status": [old_status, model_status]} if old_status != model_status
        else None)  # fmt: skip
    return record


def _dissolved() -> Exception:
    return invalid(
        "model_status",
        _("Mô hình đã giải thể: không thể chuyển sang tình trạng khác."),
        "dissolved_final",
    )


def _check_change(model: ProgrammeModel, model_status: str, on: datetime.date) -> None:
    """A change follows the model's latest one: never after a dissolution, to another status,
    dated from the establishment (and from the latest change) to today."""
    latest = model.status_changes.order_by("-on", "-id").first()
    current = latest.status if latest else model.model_status
    if current == "dissolved":
        raise _dissolved()
    if model_status == current:
        raise invalid("model_status", _("Mô hình đang ở tình trạng này."), "same_status")
    _check_day("on", on)
    if on < model.start:
        raise invalid("on", _("Ngày thay đổi trước ngày thành lập mô hình."), "before_established")
    if on > timezone.localdate():
        raise invalid("on", _("Ngày hiệu lực không được sau hôm nay."), "in_future")
    if latest is not None and on < latest.on:
        raise invalid(
            "on",
            _("Ngày hiệu lực trước lần thay đổi tình trạng gần nhất (%(day)s).")
            % {"day": latest.on.strftime("%d/%m/%Y")},
            "before_latest_change",
        )


@transaction.atomic
def model_status_set(*, actor: Any, model: ProgrammeModel, model_status: str,
                     on: datetime.date, request: HttpRequest | None = None
                     ) -> ProgrammeModel:  # fmt: skip
    """Record that the model's status changed on ``on``: a known status other than the current
    one, from the establishment (and the latest change) to today; a dissolved model changes no
    more. The model's current status is that of its latest change."""
    check_actor(actor, model.lead_agency, model.unit)
    check_codes("model_status", [model_status], "model_status")
    # one change at a time per model: the checks read the latest change
    ProgrammeModel.objects.select_for_update().filter(pk=model.pk).first()
    _check_change(model, model_status, on)
    old = model.model_status
    ModelStatusChange.objects.create(model=model, status=model_status, on=on, changed_by=actor)
    latest = model.status_changes.order_by("-on", "-id").first()
    model.model_status = latest.status if latest else model_status
    model.updated_at = timezone.now()
    ProgrammeModel.objects.filter(pk=model.pk).update(
        model_status=model.model_status, updated_at=model.updated_at
    )
    mark(model_keys(model))
    log("model.status_changed", actor=actor, record=model, request=request,
        changes={"model_status": [old, model.model_status], "on": on.isoformat()})  # fmt: skip
    return model


def _criteria(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    clean = []
    for row in rows:
        name, met = row.get("name"), row.get("met")
        if not isinstance(name, str) or not name.strip() or len(name) > 300:
            raise invalid(
                "criteria", _("Mỗi tiêu chí cần có tên (tối đa 300 ký tự)."), "bad_criteria"
            )
        if not isinstance(met, bool):
            raise invalid("criteria", _("Cho biết tiêu chí đạt hay không đạt."), "bad_criteria")
        clean.append({"name": name.strip(), "met": met})
    return clean


def _may_evaluate(actor: Any, model: ProgrammeModel, evaluator: Agency) -> bool:
    if may_record(actor, model.lead_agency, model.unit):
        return True
    covers = model.unit.path.startswith(evaluator.unit.path)
    return covers and recording_agencies(actor).filter(pk=evaluator.pk).exists()


@transaction.atomic
def model_evaluate(*, actor: Any, model: ProgrammeModel, date: datetime.date,
                   evaluator: Agency, criteria: Iterable[dict[str, Any]] = (), rating: str,
                   findings: str = "", advice: str,
                   request: HttpRequest | None = None) -> ModelEvaluation:  # fmt: skip
    """Record an evaluation of a model by ``evaluator`` (an agency of the model's unit or of a
    unit above it). The model's recorders, or the evaluating agency's, record it."""
    if not _may_evaluate(actor, model, evaluator):
        raise PermissionDenied(_("Bạn không ghi nhận kết quả cho cơ quan này."))
    if not evaluator.is_active or not model.unit.path.startswith(evaluator.unit.path):
        raise invalid(
            "evaluator", _("Cơ quan đánh giá không thuộc địa bàn của mô hình."), "evaluator_outside"
        )
    _check_day("date", date)
    if date < model.start:
        raise invalid(
            "date", _("Ngày đánh giá trước ngày thành lập mô hình."), "before_established"
        )
    if date > timezone.localdate():
        raise invalid("date", _("Ngày đánh giá không được sau hôm nay."), "in_future")
    check_codes("rating", [rating], "evaluation_rating")
    check_codes("advice", [advice], "evaluation_advice")
    evaluation = ModelEvaluation(
        model=model, date=date, evaluator=evaluator, criteria=_criteria(criteria),
        rating=rating, findings=findings.strip(), advice=advice, created_by=actor,
    )  # fmt: skip
    evaluation.full_clean()
    evaluation.save()
    log("model.evaluated", actor=actor, record=model, request=request,
        changes={"evaluation": evaluation.pk, "rating": rating, "advice": advice})  # fmt: skip
    return evaluation
