"""The case file over the API: progress notes, the narrative and the survivor's details (the
same fetcher, services and rules as the case page)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from gbvms.api.cases import Error, SexCode, StrictSchema
from gbvms.api.versions import VERSION_FIELD, ConflictOut, case_write, etag
from gbvms.cases import selectors, selectors_notes, services_notes, services_survivor
from gbvms.cases.models import Case, CaseNote

router = Router(tags=["cases"])


class NoteIn(StrictSchema):
    text: str = Field(min_length=1, max_length=services_notes.NOTE_MAX_LENGTH)
    version: int | None = VERSION_FIELD


class NoteEditIn(StrictSchema):
    text: str = Field(min_length=1, max_length=services_notes.NOTE_MAX_LENGTH)
    revision: int | None = Field(
        None, ge=1, description="the note's revision the edit was read at (409 when it moved on)"
    )


class NoteCreated(Schema):
    id: int


class NoteOut(Schema):
    id: int
    text: str
    author: str = Field(description="the author's username")
    created_at: datetime.datetime


class NoteList(Schema):
    items: list[NoteOut]


class SurvivorPatchIn(StrictSchema):
    full_name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=30)
    birth_year: int | None = Field(None, ge=1900, le=2100)
    address: str | None = Field(None, max_length=500)
    sex: SexCode | None = None
    ethnicity: str | None = Field(None, max_length=60)
    nationality: str | None = Field(None, max_length=60)
    disability: bool | None = None
    pregnant: bool | None = None
    raising_child_under_36m: bool | None = None
    unable_to_self_care: bool | None = None
    version: int | None = VERSION_FIELD


class SurvivorDetailsOut(Schema):
    full_name: str
    phone: str
    birth_year: int | None
    address: str
    sex: str


class SurvivorPatched(Schema):
    survivor: SurvivorDetailsOut
    changed: list[str] = Field(description="the fields whose value changed")
    possible_duplicates: list[str] = Field(description="codes of matching cases you may see")
    hidden_duplicates: int = Field(description="matching cases you may not see")
    version: int


class NarrativeIn(StrictSchema):
    narrative: str = Field(max_length=services_survivor.NARRATIVE_MAX_LENGTH)
    version: int | None = VERSION_FIELD


class NarrativeOut(Schema):
    narrative: str
    version: int


def _for_write(request: HttpRequest, code: str) -> Case:
    return selectors.case_get_for_user(
        user=request.user, code=code[:20], request=request, for_write=True,
        action="cases.case.opened",
    )  # fmt: skip


def _note_out(note: CaseNote) -> NoteOut:
    return NoteOut(
        id=note.pk, text=note.text, author=note.author.get_username(), created_at=note.created_at
    )


@router.get("/cases/{code}/notes", response=NoteList, summary="The case's progress notes")
def notes_list(request: HttpRequest, code: str) -> NoteList:
    """Newest first. Reading the notes is reading the case: written to the access log."""
    case = selectors.case_get_for_user(user=request.user, code=code[:20], request=request)
    return NoteList(items=[_note_out(n) for n in selectors_notes.case_notes(case)])


@router.post(
    "/cases/{code}/notes",
    response={201: NoteCreated, 409: ConflictOut, 422: Error},
    summary="Add a progress note (an addition: the case version is checked when sent)",
)
def note_create(request: HttpRequest, code: str, payload: NoteIn, response: HttpResponse) -> Status:
    case = _for_write(request, code)
    note, refused = case_write(
        request, case, lambda: services_notes.note_add(
            actor=request.user, case=case, text=payload.text, request=request
        ), version=payload.version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(201, NoteCreated(id=note.pk))


@router.patch(
    "/cases/{code}/notes/{note_id}",
    response={200: NoteOut, 409: ConflictOut, 422: Error},
    summary="Correct a note (its author, within 24 hours; the earlier text is kept)",
)
def note_update(
    request: HttpRequest, code: str, note_id: int, payload: NoteEditIn, response: HttpResponse
) -> Status:
    case, note = selectors.case_item_get_for_user(
        user=request.user, code=code[:20], model=CaseNote, item_id=note_id, request=request
    )
    edited, refused = case_write(
        request, case, lambda: services_notes.note_edit(
            actor=request.user, note=note, text=payload.text, revision=payload.revision,
            request=request,
        ), required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(200, _note_out(edited))


@router.patch(
    "/cases/{code}/survivor",
    response={200: SurvivorPatched, 409: ConflictOut, 422: Error},
    summary="Correct the survivor's details (fields left out are kept; version checked when "
    "sent, as `version` or If-Match)",
)
def survivor_patch(
    request: HttpRequest, code: str, payload: SurvivorPatchIn, response: HttpResponse
) -> Status:
    case = _for_write(request, code)
    data = payload.model_dump(exclude_unset=True, exclude={"version"})
    done, refused = case_write(
        request, case, lambda: services_survivor.survivor_update(
            actor=request.user, case=case, data=data, request=request
        ), version=payload.version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    person = done.survivor
    return Status(200, SurvivorPatched(
        survivor=SurvivorDetailsOut(full_name=person.full_name, phone=person.phone,
                                    birth_year=person.birth_year, address=person.address,
                                    sex=person.sex),
        changed=done.changed, possible_duplicates=done.duplicates.visible_codes,
        hidden_duplicates=done.duplicates.hidden_count, version=case.version,
    ))  # fmt: skip


@router.put(
    "/cases/{code}/narrative",
    response={200: NarrativeOut, 409: ConflictOut, 422: Error},
    summary="Set the narrative (what happened, in the survivor's words; the earlier text is kept)",
)
def narrative_put(
    request: HttpRequest, code: str, payload: NarrativeIn, response: HttpResponse
) -> Status:
    case = _for_write(request, code)
    _done, refused = case_write(
        request, case, lambda: services_survivor.narrative_set(
            actor=request.user, case=case, narrative=payload.narrative, request=request
        ), version=payload.version, required=False,
    )  # fmt: skip
    if refused is not None:
        return refused
    etag(response, case)
    return Status(200, NarrativeOut(narrative=case.summary, version=case.version))
