"""Plans (Kế hoạch) and what they ask of each agency: targets, activities, responsibilities,
reporting requirements, events; assignments per agency, the reporting calendar and reminders.

Plans hold no personal data. A plan belongs to the administrative unit that issued it (none for
a national document) and is visible to everyone with ``plans.view`` over that unit.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    IN_FORCE = "in_force", _("Đang thực hiện")
    CLOSED = "closed", _("Đã kết thúc")


class Plan(models.Model):
    title = models.CharField(_("tên văn bản"), max_length=500)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("đơn vị ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Tỉnh, xã ban hành; để trống với văn bản của bộ, ngành trung ương."),
    )
    issuer_name = models.CharField(
        _("cơ quan ban hành (như trong văn bản)"), max_length=200, blank=True
    )
    issuer = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    document_number = models.CharField(_("số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("ngày ban hành"), null=True, blank=True)
    basis = models.JSONField(_("căn cứ"), default=list, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("đến năm"), null=True, blank=True)
    starts_on = models.DateField(_("từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch cấp trên"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children",
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.IN_FORCE
    )
    source_name = models.CharField(_("tệp gốc"), max_length=255, blank=True)
    source_text = models.TextField(_("văn bản gốc"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")

    def __str__(self) -> str:
        return f"{self.document_number} {self.title}".strip()

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plans:detail", args=[self.pk])

    def years(self) -> list[int]:
        start = self.start_year or (self.issued_on.year if self.issued_on else None)
        end = self.end_year or start
        if start is None or end is None or end < start or end - start > 30:
            return [start] if start else []
        return list(range(start, end + 1))

    def source_lines(self) -> list[str]:
        return self.source_text.splitlines()


class Comparator(models.TextChoices):
    GT = ">", _("trên")
    GE = ">=", _("tối thiểu")
    EQ = "=", _("bằng")
    LE = "<=", _("tối đa")
    LT = "<", _("dưới")


class TargetUnit(models.TextChoices):
    PERCENT = "%", "%"
    COUNT = "count", _("số lượng")


class Target(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    text = models.TextField(_("mục tiêu"))
    comparator = models.CharField(_("so sánh"), max_length=2, choices=Comparator.choices)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("đơn vị"), max_length=5, choices=TargetUnit.choices)
    year = models.PositiveSmallIntegerField(_("năm"), null=True, blank=True)
    indicator_code = models.CharField(
        _("chỉ tiêu liên kết"),
        max_length=60,
        blank=True,
        help_text=_("Mã chỉ tiêu thống kê khi có (ví dụ tỷ lệ nạn nhân được hỗ trợ kịp thời)."),
    )
    # the importer proposes indicator_code from the wording; the officer confirms it, and a
    # confirmed link becomes the plan unit's yearly targets (gbvms/indicators/targets.py)
    indicator_confirmed = models.BooleanField(_("đã xác nhận chỉ tiêu"), default=False)
    indicator_params = models.JSONField(_("tham số chỉ tiêu"), default=dict, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["year", "id"]

    def __str__(self) -> str:
        return f"{self.get_comparator_display()} {self.value}{self.unit} ({self.year or '—'})"


class Activity(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="activities")
    order = models.PositiveIntegerField(default=0)
    code = models.CharField(_("mã"), max_length=20, blank=True)
    group = models.CharField(_("nhóm"), max_length=500, blank=True)
    title = models.TextField(_("hoạt động"))
    solution = models.TextField(_("giải pháp thực hiện"), blank=True)
    budget = models.TextField(_("kinh phí"), blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")

    def __str__(self) -> str:
        return f"{self.code} {self.title[:80]}".strip()

    def last_year(self) -> int | None:
        years = [p.to_year or p.from_year for p in self.phases.all() if p.to_year or p.from_year]
        return max(years) if years else None


class Phase(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="phases")
    from_year = models.PositiveSmallIntegerField(null=True, blank=True)
    to_year = models.PositiveSmallIntegerField(null=True, blank=True)
    frequency = models.CharField(max_length=10, blank=True)  # "annual" or ""
    text = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:80]


class Role(models.TextChoices):
    LEAD = "lead", _("Chủ trì")
    COORDINATING = "coordinating", _("Phối hợp")
    RESPONSIBLE = "responsible", _("Nhiệm vụ được giao")


class ActivityAgency(models.Model):
    """An agency named for an activity as written, and the Agency record it was matched to."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="agencies")
    role = models.CharField(max_length=12, choices=Role.choices)
    name = models.CharField(max_length=300)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["activity", "role", "id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.name}"


class Responsibility(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="responsibilities")
    name = models.CharField(_("cơ quan (như trong văn bản)"), max_length=300)
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    duties = models.JSONField(_("nhiệm vụ"), default=list)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return self.name


class ReportKind(models.TextChoices):
    SEMIANNUAL = "semiannual", _("6 tháng")
    ANNUAL = "annual", _("Năm")
    ONCE = "once", _("Một lần")
    OTHER = "other", _("Khác")


class ReportingRequirement(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reporting")
    kind = models.CharField(_("loại báo cáo"), max_length=10, choices=ReportKind.choices)
    due_month = models.PositiveSmallIntegerField(null=True, blank=True)
    due_day = models.PositiveSmallIntegerField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)  # a one-off report
    recipient_name = models.CharField(_("gửi về"), max_length=300, blank=True)
    recipient = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("yêu cầu"))
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_label()}"

    def due_label(self) -> str:
        if self.due_date:
            return self.due_date.strftime("%d/%m/%Y")
        if self.due_month and self.due_day:
            return f"{self.due_day:02d}/{self.due_month:02d}"
        return "—"


class EventKind(models.TextChoices):
    EVENT = "event", _("Sự kiện")
    CAMPAIGN = "campaign", _("Đợt cao điểm, chiến dịch")


class PlanEvent(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=EventKind.choices, default=EventKind.EVENT)
    title = models.CharField(_("sự kiện"), max_length=500)
    date = models.DateField(_("ngày"), null=True, blank=True)
    end_date = models.DateField(_("đến ngày"), null=True, blank=True)
    place = models.CharField(_("địa điểm"), max_length=300, blank=True)
    source_line = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return self.title[:80]


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa bắt đầu")
    IN_PROGRESS = "in_progress", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")


class Assignment(models.Model):
    """What one agency must do under a plan: an activity (lead or coordinating) or a duty."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="plan_tasks")
    role = models.CharField(_("vai trò"), max_length=12, choices=Role.choices)
    activity = models.ForeignKey(
        Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    responsibility = models.ForeignKey(
        Responsibility, null=True, blank=True, on_delete=models.CASCADE, related_name="assignments"
    )
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=TaskStatus.choices, default=TaskStatus.NOT_STARTED
    )
    note = models.TextField(_("ghi chú, kết quả"), blank=True)
    evidence_url = models.URLField(_("đường dẫn minh chứng"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["plan", "id"]
        indexes = [models.Index(fields=["agency", "status"], name="assignment_agency_status")]

    def __str__(self) -> str:
        return f"{self.agency} · {self.title()}"

    def title(self) -> str:
        if self.activity_id:
            return str(self.activity)
        duties = self.responsibility.duties if self.responsibility_id else []
        return "; ".join(duties)[:200] or str(_("Nhiệm vụ theo kế hoạch"))

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status != TaskStatus.DONE and self.due_on is not None and self.due_on < today

    def display_status(self) -> str:
        return str(_("Quá hạn")) if self.is_overdue() else self.get_status_display()


class CalendarEntry(models.Model):
    """A dated obligation from a plan: a report due, an event, a campaign period."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="calendar")
    # SET_NULL: deleting a requirement or an event leaves its dates to the calendar rebuild,
    # which withdraws those with sent reminders (kept) and deletes the others
    requirement = models.ForeignKey(
        ReportingRequirement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="entries",
    )
    event = models.ForeignKey(
        PlanEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    kind = models.CharField(max_length=12)  # semiannual, annual, once, other, event, campaign
    title = models.CharField(max_length=500)
    due_on = models.DateField(_("ngày"))
    ends_on = models.DateField(null=True, blank=True)
    # set when an edit of the plan removed the date but reminders of it had been sent (kept)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["plan", "due_on"], name="calendar_plan_due")]

    def __str__(self) -> str:
        return f"{self.due_on:%d/%m/%Y} {self.title}"


class Reminder(models.Model):
    """Queued before a due date; ``send_reminders`` (run daily) sends what is due."""

    entry = models.ForeignKey(CalendarEntry, on_delete=models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    remind_on = models.DateField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["remind_on", "id"]
        indexes = [models.Index(fields=["sent_at", "remind_on"], name="reminder_queue")]
        constraints = [
            models.UniqueConstraint(fields=["entry", "agency", "remind_on"], name="reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.remind_on} {self.entry}"


class PlanImport(models.Model):
    """A document read by the importer, waiting for the officer's review (nothing is saved as a
    plan until they confirm)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    source_name = models.CharField(max_length=255, blank=True)
    source_text = models.TextField()
    result = models.JSONField(default=dict)
    unit = models.ForeignKey(
        AdminUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    plan = models.ForeignKey(
        Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"import {self.pk} {self.source_name}"
