"""Files sent with a report (REPORTING §B.3: "attaches files").

The submitter adds them while the report is editable (draft, returned, reopened), with the same
checks as the evidence files of programme records (``programme.services_evidence``: size, type by
extension and content, zip-bomb limits, the file name an encrypted field); they are stored
encrypted by ``core.files``. Submitting freezes the list of files into the snapshot
(``SubmissionVersion.attachments``); a file that went out with a snapshot is never removed, one
added since can be. Whoever may read the report may read its files (``selectors``). The access
log names the report and the file's row, never the file name.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from gbvms.core import files
from gbvms.core.audit import log_action
from gbvms.programme.services_evidence import check_file, check_name, read_limited
from gbvms.reports.errors import Conflict, Forbidden
from gbvms.reports.models import EDITABLE, Attachment, Submission
from gbvms.reports.selectors import SUBMIT
from gbvms.reports.services_submissions import _may

MAX_FILES = 20


def _require_writer(actor: Any, submission: Submission) -> None:
    if not _may(actor, SUBMIT, submission):
        raise Forbidden("forbidden")
    if submission.status not in EDITABLE:
        raise Conflict("not editable", code="not_editable")


def frozen_ids(submission: Submission) -> set[int]:
    """The files that went out with one of the submission's snapshots."""
    ids: set[int] = set()
    for listed in submission.versions.values_list("attachments", flat=True):
        ids.update(int(pk) for pk in listed or [])
    return ids


def attachment_add(*, actor: Any, submission: Submission, upload: Any) -> Attachment:
    """Check and store ``upload`` (an UploadedFile) encrypted as a file of ``submission``."""
    _require_writer(actor, submission)
    if submission.attachments.count() >= MAX_FILES:
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        raise ValidationError(
            {"upload": _("Mỗi báo cáo có tối đa %(n)s tệp đính kèm.") % {"n": MAX_FILES}},
            code="too_many",
        )
    name = check_name(getattr(upload, "name", ""))
    data = read_limited(upload)
    content_type = check_file(name, data)
    blob = files.store(data)
    try:
        with transaction.atomic():
            locked = Submission.objects.select_for_update().get(pk=submission.pk)
            _require_writer(actor, locked)
            attachment = Attachment.objects.create(
                submission=locked, name=name, content_type=content_type, size=len(data),
                sha256=hashlib.sha256(data).hexdigest(), blob=blob, uploaded_by=actor,
            )  # fmt: skip
            log_action(action="reports.attachment.added", actor=actor, obj=attachment,
                       changes={"submission": submission.pk, "size": len(data),
                                "content_type": content_type})  # fmt: skip
    except BaseException:
        files.delete(blob)
        raise
    return attachment


def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove a file added since the last snapshot, while the report is editable."""
    with transaction.atomic():
        submission = Submission.objects.select_for_update().get(pk=attachment.submission_id)
        _require_writer(actor, submission)
        if attachment.pk in frozen_ids(submission):
            raise Conflict("sent with a version", code="attachment_sent")
        blob = attachment.blob
        log_action(action="reports.attachment.deleted", actor=actor, obj=attachment,
                   changes={"submission": submission.pk})  # fmt: skip
        attachment.delete()
        transaction.on_commit(lambda: files.delete(blob))


def attachments_of(submission: Submission, *, version: Any = None) -> QuerySet[Attachment]:
    """The files of a snapshot (``version``), or all the files of the report."""
    rows = Attachment.objects.filter(submission=submission)
    if version is not None:
        rows = rows.filter(pk__in=[int(pk) for pk in version.attachments or []])
    return rows.order_by("uploaded_at", "id")
