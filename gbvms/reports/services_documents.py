"""The register of official documents: numbers per issuer and year, without gaps or
duplicates under concurrency (a counter row locked with ``select_for_update``, as case codes)."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.db import transaction
from django.db.models import F

from gbvms.core.audit import log_action
from gbvms.orgs.models import Agency
from gbvms.reports.models import DocumentCounter, DocumentRecord, SubmissionVersion


def document_number_next(*, issuer: Agency, year: int) -> int:
    """The next number of ``issuer`` in ``year``; call inside the transaction that uses it,
    so a rollback gives the number back (no gap) and the row lock serialises writers."""
    counter, _created = DocumentCounter.objects.select_for_update().get_or_create(
        issuer=issuer, year=year
    )
    DocumentCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@transaction.atomic
def document_register(
    *,
    actor: Any,
    issuer: Agency,
    symbol: str,
    summary: str,
    date: datetime.date,
    type: str = "BC",
    signer: str = "",
    recipients: list[str] | None = None,
    content: bytes | None = None,
    submission_version: SubmissionVersion | None = None,
) -> DocumentRecord:
    """Register a document issued by ``issuer`` on ``date`` and give it its number."""
    record = DocumentRecord(
        issuer=issuer,
        year=date.year,
        number=document_number_next(issuer=issuer, year=date.year),
        symbol=symbol,
        summary=summary,
        type=type,
        date=date,
        signer=signer,
        recipients=list(recipients or []),
        file_sha256=file_sha256(content) if content is not None else "",
        submission_version=submission_version,
        created_by=actor,
    )
    record.full_clean()
    record.save()
    log_action(
        action="reports.document.registered",
        actor=actor,
        obj=record,
        changes={"number": record.number, "year": record.year},
    )
    return record
