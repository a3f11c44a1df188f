"""Reporting up the hierarchy (REPORTING §B): who owes which report to whom (obligations), one
submission per obligation and period with its immutable versions and its transitions, and the
register of official documents with their numbers.

Reports are about the programme, never about a survivor: their narrative is plain text like a
plan's (docs/reports.md, "Free text"). Nothing here links to a case.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.core.fields import EncryptedTextField
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency


class Status(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    APPROVED = "approved", _("Đã phê duyệt")
    LOCKED = "locked", _("Đã khóa")
    REOPENED = "reopened", _("Đã mở lại")


EDITABLE = frozenset({Status.DRAFT, Status.RETURNED, Status.REOPENED})


class ReportingObligation(models.Model):
    """One agency of one unit owes the reports of one requirement to one recipient agency."""

    requirement = models.ForeignKey(
        "plans.ReportingRequirement",
        verbose_name=_("yêu cầu báo cáo"),
        on_delete=models.PROTECT,
        related_name="obligations",
    )
    submitter_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    submitter_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+"
    )
    recipient_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị nhận"), on_delete=models.PROTECT, related_name="+"
    )
    active = models.BooleanField(_("còn áp dụng"), default=True)
    # added or switched on/off by a programme officer: generating leaves it as it is
    manual = models.BooleanField(_("đặt bằng tay"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requirement", "submitter_unit__path", "submitter_agency__name"]
        verbose_name = _("nghĩa vụ báo cáo")
        verbose_name_plural = _("nghĩa vụ báo cáo")
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "submitter_agency", "recipient_agency"],
                name="obligation_unique",
            )
        ]
        indexes = [
            models.Index(fields=["recipient_agency", "active"], name="obligation_recipient"),
            models.Index(fields=["submitter_agency", "active"], name="obligation_submitter"),
        ]

    def __str__(self) -> str:
        return f"{self.submitter_agency} → {self.recipient_agency}"


class Submission(models.Model):
    """The report of one obligation for one period. ``version`` counts every write (the
    optimistic lock a form or PATCH sends back); snapshots are ``SubmissionVersion`` rows."""

    obligation = models.ForeignKey(
        ReportingObligation, on_delete=models.PROTECT, related_name="submissions"
    )
    period = models.CharField(_("kỳ báo cáo"), max_length=10)
    due_at = models.DateTimeField(_("hạn gửi"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    sections = models.JSONField(default=list, blank=True)  # [{"key", "text"}]
    values = models.JSONField(default=list, blank=True)  # live pre-filled indicator values
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    missing_reason = models.TextField(_("lý do thiếu báo cáo"), blank=True, max_length=2000)
    missing_marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    missing_marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["period", "due_at", "id"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["obligation", "period"], name="submission_unique")
        ]
        indexes = [models.Index(fields=["period", "status"], name="submission_period_status")]

    def __str__(self) -> str:
        return f"{self.obligation} · {self.period}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class ImmutableError(RuntimeError):
    """A snapshot was about to be changed or deleted."""


class SubmissionVersion(models.Model):
    """What was submitted, frozen: the values and the narrative at the moment of submitting."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    values = models.JSONField(default=list)
    sections = models.JSONField(default=list)  # [{"key", "title", "text"}]
    attachments = models.JSONField(default=list, blank=True)  # ids of the files sent with it
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableError("a submitted version never changes")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableError("a submitted version is never deleted")


class Attachment(models.Model):
    """A file sent with a report (a signed scan, an annex table, photos): stored encrypted
    outside the web root (``core.files``), read by whoever may read the report. A file that went
    out with a snapshot is kept for good; one added since the last snapshot can be removed."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="attachments")
    name = EncryptedTextField(_("tên tệp"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    blob = models.CharField(max_length=80, unique=True)  # the stored file's name
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submission", "uploaded_at", "id"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return f"{self.submission_id} {self.blob}"


class Transition(models.Model):
    """One change of state, with its reason and per-section notes (a return)."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=10, choices=Status.choices)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("lý do"), blank=True, max_length=2000)
    notes = models.JSONField(default=dict, blank=True)  # {section key: note}

    class Meta:
        ordering = ["submission", "at", "id"]

    def __str__(self) -> str:
        return f"{self.submission_id}: {self.from_status} → {self.to_status}"


class DocumentCounter(models.Model):
    """The last number issued by one agency in one year (incremented under a row lock)."""

    issuer = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year"], name="documentcounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.issuer_id}/{self.year}: {self.last}"


class DocumentRecord(models.Model):
    """An official document issued from a report (Nghị định 30/2020): its number is allocated
    per issuer and year, without gaps or duplicates."""

    issuer = models.ForeignKey(
        Agency, verbose_name=_("cơ quan ban hành"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("năm"))
    number = models.PositiveIntegerField(_("số"))
    symbol = models.CharField(_("ký hiệu"), max_length=60)
    summary = models.CharField(_("trích yếu"), max_length=500)
    type = models.CharField(_("loại văn bản"), max_length=60, default="BC")
    date = models.DateField(_("ngày ban hành"))
    signer = models.CharField(_("người ký"), max_length=200, blank=True)
    recipients = models.JSONField(_("nơi nhận"), default=list, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    submission_version = models.ForeignKey(
        SubmissionVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["issuer", "year", "number"]
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "year", "number"], name="documentrecord_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}/{self.symbol}"

    @property
    def reference(self) -> str:
        """``12/BC-SNV`` as printed under the issuing body."""
        return f"{self.number}/{self.symbol}"
