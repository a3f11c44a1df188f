"""Programme delivery records (REPORTING §E): campaigns and events, trainings, models,
inspections and budget, each tied to the plan activity it implements.

No personal data goes into these tables: participants, members and attendance are counts.
Attendance lists with names are evidence files (``Evidence``), encrypted at rest and shown only
to the recording agency. Every record keeps its history (django-simple-history).

Every record is placed in an administrative unit (``unit``) and belongs to its lead agency:
the agency's members with ``programme.record`` record and update it; ``programme.view`` /
``programme.manage`` over the unit's subtree see and manage it (``core.scoping``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gbvms.core.fields import EncryptedJSONField, EncryptedTextField
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme import vocab


class Record(models.Model):
    """The fields every delivery record has."""

    code = models.CharField(_("mã"), max_length=24, unique=True, editable=False)
    title = models.CharField(_("tên"), max_length=300)
    plan_activity = models.ForeignKey(
        "plans.Activity",
        verbose_name=_("hoạt động của kế hoạch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("đơn vị hành chính"), on_delete=models.PROTECT, related_name="+"
    )
    lead_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan chủ trì"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=vocab.RecordStatus.choices, default="done"
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.TextField(_("ghi chú"), blank=True, max_length=2000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-start", "-id"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def year(self) -> int:
        return self.start.year


class Campaign(Record):
    kind = models.CharField(_("loại chiến dịch"), max_length=12, choices=vocab.CampaignKind.choices)
    theme = models.CharField(_("chủ đề"), max_length=500, blank=True)
    guidance_document = models.CharField(_("văn bản hướng dẫn"), max_length=300, blank=True)
    coordinating_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("chiến dịch truyền thông")
        verbose_name_plural = _("chiến dịch truyền thông")
        indexes = [models.Index(fields=["start"], name="campaign_start")]


class Event(Record):
    """A communication event, a training (``kind="training"``, with ``TrainingDetail`` and
    ``TrainingParticipation``) or a model meeting."""

    kind = models.CharField(_("loại hoạt động"), max_length=16, choices=vocab.EventKind.choices)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("chiến dịch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    model = models.ForeignKey(
        "programme.ProgrammeModel",
        verbose_name=_("mô hình"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
    )
    coordinating_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="+"
    )
    venue = models.CharField(_("địa điểm"), max_length=300, blank=True)
    audience_groups = models.JSONField(_("đối tượng"), default=list, blank=True)
    participants_total = models.PositiveIntegerField(_("tổng số người tham gia"), default=0)
    participants_female = models.PositiveIntegerField(_("nữ"), default=0)
    participants_male = models.PositiveIntegerField(_("nam"), default=0)
    participants_other = models.PositiveIntegerField(_("khác / không rõ"), default=0)
    participants_ethnic = models.PositiveIntegerField(
        _("người dân tộc thiểu số"), null=True, blank=True
    )
    participants_disability = models.PositiveIntegerField(
        _("người khuyết tật"), null=True, blank=True
    )
    media_outputs = models.JSONField(_("sản phẩm truyền thông"), default=list, blank=True)
    reach_estimate = models.PositiveIntegerField(
        _("ước tính số người tiếp cận"), null=True, blank=True
    )
    reach_source = models.CharField(_("nguồn ước tính"), max_length=200, blank=True)
    cost_planned = models.PositiveBigIntegerField(_("kinh phí dự kiến (đồng)"), default=0)
    cost_actual = models.PositiveBigIntegerField(_("kinh phí thực hiện (đồng)"), default=0)
    funding = models.JSONField(_("nguồn kinh phí"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("hoạt động")
        verbose_name_plural = _("hoạt động")
        indexes = [
            models.Index(fields=["kind", "start"], name="event_kind_start"),
            models.Index(fields=["unit", "start"], name="event_unit_start"),
        ]


class TrainingDetail(models.Model):
    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="training")
    topic = models.CharField(_("chủ đề"), max_length=20, choices=vocab.TrainingTopic.choices)
    target_groups = models.JSONField(_("nhóm đối tượng"), default=list)
    level = models.CharField(
        _("cấp tổ chức"), max_length=10, choices=vocab.TrainingLevel.choices, default="commune"
    )
    days = models.DecimalField(_("số ngày"), max_digits=4, decimal_places=1, null=True, blank=True)
    hours = models.DecimalField(_("số giờ"), max_digits=5, decimal_places=1, null=True, blank=True)
    trainers_count = models.PositiveSmallIntegerField(_("số giảng viên"), default=0)
    trainer_source = models.CharField(
        _("nguồn giảng viên"), max_length=10, choices=vocab.TrainerSource.choices, blank=True
    )
    pre_score = models.DecimalField(
        _("điểm trước tập huấn (trung bình)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    post_score = models.DecimalField(
        _("điểm sau tập huấn (trung bình)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.event_id} {self.topic}"


class TrainingParticipation(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participations")
    group = models.CharField(_("nhóm đối tượng"), max_length=20, choices=vocab.TargetGroup.choices)
    sex = models.CharField(_("giới tính"), max_length=6, choices=vocab.Sex.choices)
    count = models.PositiveIntegerField(_("số người"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "group", "sex"], name="participation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.sex} {self.count}"


class TrainingRequirement(models.Model):
    """A plan's demand that a target group is trained at least ``per_year`` times a year in
    every unit of ``level`` within ``unit_scope`` (the plan's unit when empty) — P01."""

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.CASCADE, related_name="training_requirements"
    )
    activity = models.ForeignKey(
        "plans.Activity", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    target_group = models.CharField(
        _("nhóm đối tượng"), max_length=20, choices=vocab.TargetGroup.choices
    )
    unit_scope = models.ForeignKey(
        AdminUnit,
        verbose_name=_("phạm vi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Để trống: toàn bộ địa bàn của kế hoạch."),
    )
    level = models.CharField(
        _("mỗi đơn vị cấp"), max_length=10, choices=vocab.TrainingLevel.choices, default="commune"
    )
    per_year = models.PositiveSmallIntegerField(_("số lần tối thiểu mỗi năm"), default=1)
    source_text = models.TextField(_("trích văn bản"), blank=True, max_length=2000)
    from_importer = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "target_group", "unit_scope", "level"],
                name="trainingrequirement_unique",
            )
        ]
        verbose_name = _("yêu cầu tập huấn")
        verbose_name_plural = _("yêu cầu tập huấn")

    def __str__(self) -> str:
        return f"{self.plan_id} {self.target_group} {self.level}"


class ProgrammeModel(Record):
    """A model (mô hình): trusted address, club, safe school… ``lead_agency`` manages it."""

    kind = models.CharField(_("loại mô hình"), max_length=24, choices=vocab.ModelKind.choices)
    model_status = models.CharField(
        _("tình trạng"), max_length=10, choices=vocab.ModelStatus.choices, default="active"
    )
    host = models.CharField(_("nơi đặt mô hình"), max_length=300, blank=True)
    established_by = models.CharField(_("quyết định thành lập"), max_length=300, blank=True)
    replicated_from = models.ForeignKey(
        "self",
        verbose_name=_("nhân rộng từ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replicas",
    )
    members_female = models.PositiveIntegerField(_("thành viên nữ"), default=0)
    members_male = models.PositiveIntegerField(_("thành viên nam"), default=0)
    linked_provider = models.ForeignKey(
        "referrals.ServiceProvider",
        verbose_name=_("cơ sở trong danh bạ dịch vụ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("mô hình")
        verbose_name_plural = _("mô hình")


class ModelStatusChange(models.Model):
    """When a model's status changed (P03/P04 read the status on the period's end date)."""

    model = models.ForeignKey(
        ProgrammeModel, on_delete=models.CASCADE, related_name="status_changes"
    )
    status = models.CharField(max_length=10, choices=vocab.ModelStatus.choices)
    on = models.DateField()
    # who recorded the change (empty for rows written before it was kept)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )

    class Meta:
        ordering = ["model", "on", "id"]

    def __str__(self) -> str:
        return f"{self.model_id} {self.status} {self.on}"


class ModelEvaluation(models.Model):
    model = models.ForeignKey(ProgrammeModel, on_delete=models.CASCADE, related_name="evaluations")
    date = models.DateField(_("ngày đánh giá"))
    evaluator = models.ForeignKey(
        Agency, verbose_name=_("cơ quan đánh giá"), on_delete=models.PROTECT, related_name="+"
    )
    criteria = models.JSONField(_("tiêu chí"), default=list, blank=True)  # [{"name", "met"}]
    rating = models.CharField(_("xếp loại"), max_length=6, choices=vocab.EvaluationRating.choices)
    findings = models.TextField(_("nhận xét"), blank=True, max_length=4000)
    advice = models.CharField(_("kiến nghị"), max_length=10, choices=vocab.EvaluationAdvice.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.model_id} {self.date} {self.rating}"


class Inspection(Record):
    """An inspection. A case verification links a case, so its free text is encrypted at rest
    like every free-text field about a case (title, note, decision, entities, topics, and its
    findings and recommendations)."""

    title = EncryptedTextField(_("tên"), max_length=300)
    note = EncryptedTextField(_("ghi chú"), blank=True, max_length=2000)
    kind = models.CharField(_("hình thức"), max_length=20, choices=vocab.InspectionKind.choices)
    decision = EncryptedTextField(_("quyết định thành lập đoàn"), max_length=300, blank=True)
    member_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan thành viên"), blank=True, related_name="+"
    )
    inspected_entities = EncryptedJSONField(_("đối tượng được kiểm tra"), default=list, blank=True)
    topics = EncryptedTextField(_("nội dung kiểm tra"), max_length=500, blank=True)
    # a case verification refers to the case only through this link; it is shown only to
    # users who may see the case (``cases.selectors.case_get_for_user``)
    case = models.ForeignKey(
        "cases.Case", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("đoàn kiểm tra")
        verbose_name_plural = _("đoàn kiểm tra")


class Finding(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    text = EncryptedTextField(_("nội dung"), max_length=2000)
    severity = models.CharField(
        _("mức độ"), max_length=8, choices=vocab.Severity.choices, default="medium"
    )
    violation_type = models.CharField(
        _("loại vi phạm"), max_length=6, choices=vocab.ViolationType.choices, blank=True
    )
    legal_basis = EncryptedTextField(_("căn cứ pháp lý"), max_length=300, blank=True)
    handled_count = models.PositiveIntegerField(_("số vụ đã xử lý"), default=0)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.severity}"


class Recommendation(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    text = EncryptedTextField(_("kiến nghị"), max_length=2000)
    responsible_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan thực hiện"), on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField(_("hạn khắc phục"))
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=vocab.RecommendationStatus.choices, default="open"
    )
    closed_on = models.DateField(_("ngày khắc phục xong"), null=True, blank=True)
    follow_up = EncryptedTextField(_("kết quả theo dõi"), blank=True, max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.inspection_id} {self.due_date} {self.status}"

    def is_overdue(self, today=None) -> bool:  # type: ignore[no-untyped-def]
        today = today or timezone.localdate()
        return self.status != "done" and self.due_date < today


class BudgetLine(Record):
    """One budget line of a plan activity for a fiscal year, unit, agency and source (VND).

    ``start``/``end`` are the fiscal year's bounds (1/1–31/12)."""

    plan = models.ForeignKey(
        "plans.Plan", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("năm ngân sách"))
    funding_source = models.CharField(
        _("nguồn kinh phí"), max_length=12, choices=vocab.FundingSource.choices
    )
    donor = models.CharField(_("nhà tài trợ"), max_length=200, blank=True)
    project = models.CharField(_("dự án"), max_length=200, blank=True)
    amount_estimated = models.PositiveBigIntegerField(_("dự toán (đồng)"), default=0)
    amount_allocated = models.PositiveBigIntegerField(_("được giao (đồng)"), default=0)
    amount_committed = models.PositiveBigIntegerField(_("đã cam kết (đồng)"), default=0)
    allocation_decision = models.CharField(_("quyết định giao dự toán"), max_length=300, blank=True)
    ethnic_minority_area = models.BooleanField(_("vùng dân tộc thiểu số"), default=False)
    inkind_donors = models.PositiveIntegerField(
        _("số tổ chức, cá nhân đóng góp hiện vật"), default=0
    )
    inkind_value = models.PositiveBigIntegerField(_("giá trị đóng góp hiện vật (đồng)"), default=0)
    inkind_description = models.CharField(_("đóng góp hiện vật"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta(Record.Meta):
        verbose_name = _("dòng kinh phí")
        verbose_name_plural = _("dòng kinh phí")
        indexes = [models.Index(fields=["fiscal_year", "unit"], name="budgetline_year_unit")]


class Expenditure(models.Model):
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.CASCADE, related_name="expenditures"
    )
    date = models.DateField(_("ngày chi"))
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    event = models.ForeignKey(
        Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="expenditures"
    )
    note = models.CharField(_("nội dung chi"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.budget_line_id} {self.date} {self.amount}"


class Evidence(models.Model):
    """A file proving a record (an attendance list, photos, a report): stored encrypted outside
    the web root (``core.files``), served only through an access-checked view to the members of
    the recording agency."""

    record_kind = models.CharField(max_length=16)  # "event", "campaign", "model", ...
    record_id = models.BigIntegerField()
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = EncryptedTextField(_("tên tệp"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    blob = models.CharField(max_length=80, unique=True)  # the stored file's name
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["record_kind", "record_id"], name="evidence_record")]
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.record_kind} {self.record_id} {self.blob}"
