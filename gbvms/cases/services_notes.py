"""Writes of case notes: dated progress notes, corrected by their author for 24 hours.

A note's text is encrypted at rest and never goes into the access log (which records that a
note was added or corrected, and its id), a notification or an export. A correction keeps the
text it replaces as a ``CaseNoteRevision``.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gbvms.cases.audit import log_case
from gbvms.cases.changes import case_touch
from gbvms.cases.models import Case, CaseNote, CaseNoteRevision
from gbvms.core import inputs

NOTE_MAX_LENGTH = 5000
EDIT_WINDOW = datetime.timedelta(hours=24)
EDIT_WINDOW_CLOSED = "edit_window_closed"
NOTE_STALE = "stale"

# What the case timeline says for the actions written here (for cases_tags.ACTION_LABELS).
ACTION_LABELS = {
    "cases.note.added": gettext_lazy("Thêm ghi chú tiến trình"),
    "cases.note.edited": gettext_lazy("Sửa ghi chú tiến trình"),
}


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": ValidationError(_("Hãy viết nội dung ghi chú."), code="required")}
        )
    if len(text) > NOTE_MAX_LENGTH:
        message = _("Ghi chú dài tối đa %(max)d ký tự (hiện có %(n)d).") % {
            "max": NOTE_MAX_LENGTH,
            "n": len(text),
        }
        raise ValidationError({"text": ValidationError(message, code="max_length")})
    if inputs.has_control_characters(text):
        raise ValidationError(
            {"text": ValidationError(str(inputs.CONTROL_MESSAGE), code=inputs.CONTROL_CODE)}
        )
    return text


def note_editable_until(note: CaseNote) -> datetime.datetime:
    return note.created_at + EDIT_WINDOW


def note_can_edit(note: CaseNote, user: Any, now: datetime.datetime | None = None) -> bool:
    """Whether ``user`` may still correct the note: its author, within 24 hours."""
    return note.author_id == getattr(user, "pk", None) and (
        now or timezone.now()
    ) < note_editable_until(note)


@transaction.atomic
def note_add(*, actor: Any, case: Case, text: str, request: HttpRequest | None = None) -> CaseNote:
    """A new progress note on the case, by ``actor`` (who opened the case for writing)."""
    note = CaseNote(case=case, author=actor, text=_clean_text(text))
    note.full_clean()
    case_touch(case)  # a closed case takes no note; the case version moves on
    note.save()
    log_case("cases.note.added", actor=actor, case=case, request=request,
             changes={"note": [None, note.pk]})  # fmt: skip
    return note


@transaction.atomic
def note_edit(
    *, actor: Any, note: CaseNote, text: str, revision: int | None = None,
    request: HttpRequest | None = None,
) -> CaseNote:  # fmt: skip
    """Correct a note: only its author, within 24 hours of writing it; the text it replaces is
    kept. ``revision``: the note's revision the edit was read at (refused when it moved on)."""
    if note.author_id != actor.pk:
        raise PermissionDenied(_("Chỉ người viết ghi chú mới được sửa."))
    if timezone.now() >= note_editable_until(note):
        raise ValidationError(
            _("Đã quá 24 giờ kể từ khi viết ghi chú: không thể sửa nữa. Hãy thêm ghi chú mới."),
            code=EDIT_WINDOW_CLOSED,
        )
    text = _clean_text(text)
    expected = note.revision if revision is None else revision
    old = CaseNote.objects.unscoped().filter(pk=note.pk).values("text", "created_at", "edited_at")
    before = old.first()
    if before is None:
        raise ValidationError(_("Ghi chú không còn tồn tại."), code=NOTE_STALE)
    if before["text"] == text:
        return note  # nothing changed: no revision, no log row
    now = timezone.now()
    updated = (
        CaseNote.objects.unscoped()
        .filter(pk=note.pk, revision=expected)
        .update(text=text, edited_at=now, revision=F("revision") + 1)
    )
    if not updated:
        raise ValidationError(
            _("Ghi chú vừa được sửa ở nơi khác. Hãy tải lại trang rồi sửa lại."), code=NOTE_STALE
        )
    CaseNoteRevision.objects.create(
        note=note, text=before["text"], written_at=before["edited_at"] or before["created_at"],
        replaced_at=now,
    )  # fmt: skip
    case_touch(note.case)
    log_case("cases.note.edited", actor=actor, case=note.case, request=request,
             changes={"note": [note.pk, note.pk]})  # fmt: skip
    note.refresh_from_db()
    return note
