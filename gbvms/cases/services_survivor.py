"""Writes of the case file's identity and narrative: correcting the survivor's details after
intake, and the narrative ("what happened", in the survivor's words).

Both keep a history (``CaseFileChange``, encrypted: it holds identity and the survivor's
words); the access log records only which fields changed, never a value. A correction of the
name or phone recomputes the blind indexes the same way intake does and re-runs the
duplicate check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import Case, CaseFileChange, Sex, Survivor
from gbvms.cases.selectors import Duplicates, case_duplicates
from gbvms.core import inputs, phones
from gbvms.core.crypto import blind_index

NARRATIVE_MAX_LENGTH = 10000
BIRTH_YEAR_MIN = 1900
# the editable fields and their length limits (text) — the others are booleans or a code
TEXT_LIMITS = {"full_name": 200, "phone": 30, "address": 500, "ethnicity": 60, "nationality": 60}
FLAGS = ("disability", "pregnant", "raising_child_under_36m", "unable_to_self_care")
FIELDS = (*TEXT_LIMITS, "birth_year", "sex", *FLAGS)

ACTION_LABELS = {
    "cases.survivor.updated": gettext_lazy("Sửa thông tin người bị bạo lực"),
    "cases.narrative.updated": gettext_lazy("Sửa lời kể sự việc"),
}


@dataclass
class SurvivorUpdated:
    survivor: Survivor
    changed: list[str]
    duplicates: Duplicates


def _error(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_text(field: str, value: Any) -> str:
    text = str(value or "").strip()
    limit = TEXT_LIMITS[field]
    if len(text) > limit:
        raise _error(field, _("Tối đa %(max)d ký tự.") % {"max": limit}, "max_length")
    if inputs.has_control_characters(text, multiline=field == "address"):
        raise _error(field, str(inputs.CONTROL_MESSAGE), inputs.CONTROL_CODE)
    if field == "phone":
        return phones.normalise_field(text, "phone")  # the index sees one form of a number
    return text


def _clean_birth_year(case: Case, value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise _error("birth_year", _("Năm sinh phải là một số (ví dụ 1990)."), "invalid")
    year = int(str(value).strip())
    latest = case.detected_at.year
    if not BIRTH_YEAR_MIN <= year <= latest:
        message = _("Năm sinh phải từ %(min)d đến %(max)d (năm phát hiện vụ việc).") % {
            "min": BIRTH_YEAR_MIN,
            "max": latest,
        }
        raise _error("birth_year", message, "out_of_range")
    return year


def _clean(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationError(
            {name: ValidationError(_("Trường không sửa được."), code="unknown") for name in unknown}
        )
    cleaned: dict[str, Any] = {}
    for field, value in data.items():
        if field in TEXT_LIMITS:
            cleaned[field] = _clean_text(field, value)
        elif field == "birth_year":
            cleaned[field] = _clean_birth_year(case, value)
        elif field == "sex":
            if value not in Sex.values:
                raise _error("sex", _("Giới tính không hợp lệ."), "invalid_choice")
            cleaned[field] = value
        else:
            cleaned[field] = bool(value)
    return cleaned


@transaction.atomic
def survivor_update(
    *, actor: Any, case: Case, data: dict[str, Any], request: HttpRequest | None = None
) -> SurvivorUpdated:
    """Correct some of the survivor's details (``data``: field -> new value; fields left out
    are kept). The case must be claimed at its version by the caller (``changes.case_claim``:
    the page and the API do). Unchanged values write nothing."""
    cleaned = _clean(case, data)
    survivor = Survivor.internal_objects.select_for_update().get(pk=case.survivor_id)
    before = {field: getattr(survivor, field) for field in cleaned}
    changed = sorted(f for f, v in cleaned.items() if before[f] != v)
    province = case.unit.parent.path if case.unit.parent_id else case.unit.path
    if not changed:
        duplicates = case_duplicates(user=actor, survivor=survivor, province_path=province)
        return SurvivorUpdated(survivor, [], duplicates)
    for field in changed:
        setattr(survivor, field, cleaned[field])
    survivor.name_index = blind_index(survivor.full_name, kind="name")
    survivor.phone_index = blind_index(survivor.phone, kind="phone")
    survivor.full_clean()
    survivor.save()
    case_touch(case)
    CaseFileChange.objects.create(
        case=case, kind="survivor", changed_by=actor,
        values={f: [before[f], cleaned[f]] for f in changed},
    )  # fmt: skip
    log_case("cases.survivor.updated", actor=actor, case=case, request=request,
             changes={"fields": [None, changed]})  # the names only, never a value  # fmt: skip
    case.survivor = survivor
    duplicates = case_duplicates(user=actor, survivor=survivor, province_path=province)
    if duplicates.any and {"full_name", "phone", "birth_year"} & set(changed):
        log_case("cases.case.possible_duplicate", actor=actor, case=case, request=request)
    return SurvivorUpdated(survivor, changed, duplicates)


def clean_narrative(text: str) -> str:
    text = (text or "").strip()
    if len(text) > NARRATIVE_MAX_LENGTH:
        message = _("Lời kể dài tối đa %(max)d ký tự (hiện có %(n)d).") % {
            "max": NARRATIVE_MAX_LENGTH,
            "n": len(text),
        }
        raise _error("narrative", message, "max_length")
    if inputs.has_control_characters(text):
        raise _error("narrative", str(inputs.CONTROL_MESSAGE), inputs.CONTROL_CODE)
    return text


@transaction.atomic
def narrative_set(
    *, actor: Any, case: Case, narrative: str, request: HttpRequest | None = None
) -> Case:
    """The narrative of the case ("what happened", in the survivor's words), stored encrypted
    in ``Case.summary``; the text it replaces is kept. The caller claims the case version."""
    text = clean_narrative(narrative)
    before = Case.objects.unscoped().filter(pk=case.pk).values_list("summary", flat=True).first()
    if (before or "") == text:
        return case
    Case.objects.unscoped().filter(pk=case.pk).update(summary=text)
    case.summary = text
    case_touch(case)
    CaseFileChange.objects.create(
        case=case, kind="narrative", changed_by=actor, values={"narrative": [before or "", text]}
    )
    log_case("cases.narrative.updated", actor=actor, case=case, request=request,
             changes={"fields": [None, ["narrative"]]})  # fmt: skip
    return case
