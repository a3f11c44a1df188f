"""Reads of the case file's notes and correction history. Reading notes is reading the case:
every entry point first fetches the case through ``selectors.case_get_for_user`` (scoped,
written to the access log); these only list what hangs off a case already fetched."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from gbvms.cases.models import Case, CaseFileChange, CaseNote, CaseNoteRevision
from gbvms.cases.services_notes import note_can_edit, note_editable_until


def case_notes(case: Case) -> QuerySet[CaseNote]:
    """The case's notes, newest first, with their authors and earlier texts (two queries)."""
    revisions = Prefetch("revisions", queryset=CaseNoteRevision.internal_objects.order_by("-id"))
    return (
        CaseNote.internal_objects.filter(case=case)
        .select_related("author")
        .prefetch_related(revisions)
        .order_by("-created_at", "-id")
    )


def notes_for_page(case: Case, user: Any) -> list[dict[str, Any]]:
    """Each note with whether the user may still correct it, and until when."""
    return [
        {"note": n, "can_edit": note_can_edit(n, user), "until": note_editable_until(n)}
        for n in case_notes(case)
    ]


def author_name(user: Any) -> str:
    return getattr(user, "full_name", "") or user.get_username()


def case_file_changes(case: Case, kind: str, limit: int = 20) -> list[CaseFileChange]:
    return list(
        CaseFileChange.internal_objects.filter(case=case, kind=kind)
        .select_related("changed_by")
        .order_by("-changed_at", "-id")[:limit]
    )
