"""Survivors, cases, incidents, perpetrators and consent.

Identifying data (names, phone numbers, addresses, narrative, safe-contact notes) is encrypted
at rest; duplicates are found through HMAC blind indexes. A case is addressed by its opaque code.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.classification import CONTEXTS, NON_GBV, QUESTIONS, RELATIONSHIPS
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency


class Channel(models.TextChoices):
    TRUSTED_ADDRESS = "trusted_address", _("Địa chỉ tin cậy / nhà tạm lánh")
    HOTLINE = "hotline", _("Đường dây nóng")
    POLICE = "police", _("Công an")
    HEALTH_FACILITY = "health_facility", _("Cơ sở y tế")
    SCHOOL = "school", _("Trường học")
    WORKPLACE = "workplace", _("Nơi làm việc")
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Trung tâm công tác xã hội")
    COMMUNITY = "community", _("Cộng đồng (hàng xóm, người thân, trưởng thôn)")
    SELF_REFERRAL = "self_referral", _("Tự tìm đến")
    PUBLIC_WEB = "public_web", _("Yêu cầu trực tuyến")
    OTHER = "other", _("Khác")


class Sex(models.TextChoices):
    FEMALE = "female", _("Nữ")
    MALE = "male", _("Nam")
    OTHER = "other", _("Khác")
    UNKNOWN = "unknown", _("Không rõ")


class Status(models.TextChoices):
    OPEN = "open", _("Mới tiếp nhận")
    ACTIVE = "active", _("Đang hỗ trợ")
    CLOSED = "closed", _("Đã đóng")
    REOPENED = "reopened", _("Mở lại")


class RiskLevel(models.TextChoices):
    UNKNOWN = "", _("Chưa đánh giá")
    LOW = "low", _("Thấp")
    MEDIUM = "medium", _("Trung bình")
    HIGH = "high", _("Cao")
    EXTREME = "extreme", _("Rất cao")


class ViolenceForm(models.TextChoices):
    """The forms of violence in the law (Law 13/2022/QH15 Art. 2)."""

    PHYSICAL = "the_chat", _("Thể chất")
    PSYCHOLOGICAL = "tinh_than", _("Tinh thần")
    SEXUAL = "tinh_duc", _("Tình dục")
    ECONOMIC = "kinh_te", _("Kinh tế")


GBV_TYPE_CHOICES = [(q.code, q.label) for q in QUESTIONS] + [(NON_GBV, _("Không phải BLG"))]


class Survivor(models.Model):
    full_name = EncryptedTextField(_("họ và tên"), blank=True)
    phone = EncryptedTextField(_("điện thoại"), blank=True)
    address = EncryptedTextField(_("địa chỉ"), blank=True)
    name_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices, default=Sex.FEMALE)
    ethnicity = EncryptedTextField(_("dân tộc"), max_length=60, blank=True)
    disability = models.BooleanField(_("khuyết tật"), default=False)
    nationality = models.CharField(_("quốc tịch"), max_length=60, blank=True, default="VN")
    pregnant = models.BooleanField(_("đang mang thai"), default=False)
    raising_child_under_36m = models.BooleanField(_("đang nuôi con dưới 36 tháng"), default=False)
    unable_to_self_care = models.BooleanField(_("không có khả năng tự chăm sóc"), default=False)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("người bị bạo lực")
        verbose_name_plural = _("người bị bạo lực")

    def __str__(self) -> str:
        return f"survivor {self.pk}"  # never the name


class CaseSequence(models.Model):
    """Per province and year counter for case codes (incremented under a row lock)."""

    province_code = models.CharField(max_length=5)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province_code", "year"], name="casesequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province_code}-{self.year}: {self.last}"


class Case(models.Model):
    code = models.CharField(_("mã vụ việc"), max_length=20, unique=True)
    survivor = models.ForeignKey(Survivor, on_delete=models.PROTECT, related_name="cases")
    owning_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan quản lý"), on_delete=models.PROTECT, related_name="cases"
    )
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="cases"
    )
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=24, choices=Channel.choices)
    detected_at = models.DateTimeField(_("thời điểm phát hiện"))
    first_support_at = models.DateTimeField(_("hỗ trợ lần đầu"), null=True, blank=True)
    immediate_danger = models.BooleanField(_("nguy hiểm tức thời"), default=False)
    # "the victim is a child" said at intake (a help request) before any birth year is known
    reported_child = models.BooleanField(_("được báo là trẻ em"), default=False)
    risk_level = models.CharField(
        _("mức độ rủi ro"), max_length=8, choices=RiskLevel.choices, blank=True, default=""
    )
    safe_contact = EncryptedTextField(_("cách liên lạc an toàn"), blank=True)
    summary = EncryptedTextField(_("tóm tắt sự việc"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)
    # child-protection timeline (Decree 56/2017): emergency intervention, approved support plan
    child_emergency_at = models.DateTimeField(_("can thiệp khẩn cấp lúc"), null=True, blank=True)
    child_plan_approved_at = models.DateTimeField(
        _("kế hoạch hỗ trợ trẻ em được duyệt lúc"), null=True, blank=True
    )
    # the last closure (the access log keeps every one); statistics count closures by these
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    closure_reason = models.CharField(_("lý do đóng"), max_length=20, blank=True)
    # a case recorded twice is kept, marked, and left out of every statistic (REPORTING §A.1)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với vụ việc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("vụ việc")
        verbose_name_plural = _("vụ việc")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "-created_at", "-id"], name="case_unit_recent"),
            models.Index(fields=["owning_agency", "status"], name="case_agency_status"),
        ]

    def __str__(self) -> str:
        return self.code


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_assignments"
    )
    is_active = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(default=timezone.now)
    # who assigned (a supervisor, the worker picking it up); None: offered at intake to the
    # commune's case workers, not yet picked up (accepted_at None)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    ended_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        constraints = [
            models.UniqueConstraint(fields=["case", "user"], name="caseassignment_unique")
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="caseassignment_user")]

    def __str__(self) -> str:
        return f"{self.case} → {self.user}"


class Incident(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="incidents")
    occurred_on = models.DateField(_("ngày xảy ra"), null=True, blank=True)
    reported_on = models.DateField(_("ngày trình báo"), default=timezone.localdate)
    unit = models.ForeignKey(
        AdminUnit, verbose_name=_("nơi xảy ra"), on_delete=models.PROTECT, related_name="+"
    )
    place_type = models.CharField(_("loại địa điểm"), max_length=40, blank=True)
    answers = models.JSONField(_("câu trả lời phân loại"), default=dict, blank=True)
    gbv_type = models.CharField(
        _("loại bạo lực"), max_length=24, choices=GBV_TYPE_CHOICES, blank=True
    )
    context = models.JSONField(_("bối cảnh"), default=list, blank=True)
    violence_forms = models.JSONField(_("hình thức bạo lực"), default=list, blank=True)
    dv_relationship = models.CharField(_("quan hệ gia đình"), max_length=12, blank=True)
    dv_acts = models.JSONField(_("hành vi BLGĐ (Điều 3 Luật 13/2022)"), default=list, blank=True)
    context_flags = models.JSONField(_("dấu hiệu bối cảnh"), default=list, blank=True)
    age_at_incident = models.PositiveSmallIntegerField(_("tuổi khi xảy ra"), null=True, blank=True)
    exchange = models.BooleanField(_("có trao đổi tiền, hàng, lợi ích"), default=False)
    abduction = models.BooleanField(_("bị bắt cóc"), default=False)
    harmful_traditional_practice = models.BooleanField(_("hủ tục có hại"), default=False)
    previously_reported = models.BooleanField(_("đã trình báo nơi khác"), default=False)
    reporting_bucket = models.CharField(max_length=8, blank=True, editable=False)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("sự việc")
        verbose_name_plural = _("sự việc")

    def __str__(self) -> str:
        return f"{self.case} incident {self.pk}"


class Perpetrator(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="perpetrators")
    # no default: what is not known is recorded as unknown, never guessed
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices)
    age_group = models.CharField(_("nhóm tuổi"), max_length=10, blank=True)
    relationship = models.CharField(
        _("quan hệ với người bị hại"), max_length=32, choices=list(RELATIONSHIPS.items())
    )
    occupation = EncryptedTextField(_("nghề nghiệp"), max_length=60, blank=True)
    previous_incidents = models.BooleanField(_("đã từng gây bạo lực"), default=False)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"

    def __str__(self) -> str:
        return f"perpetrator {self.pk}"


class ConsentKind(models.TextChoices):
    SERVICES = "services", _("Đồng ý nhận dịch vụ")
    SHARING = "sharing", _("Đồng ý chia sẻ thông tin")
    STATISTICS = "statistics", _("Đồng ý dùng cho thống kê không định danh")


class Consent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("loại đồng ý"), max_length=12, choices=ConsentKind.choices)
    service_types = models.JSONField(_("loại dịch vụ"), default=list, blank=True)
    provider_ids = models.JSONField(_("cơ sở cung cấp"), default=list, blank=True)
    given_by = models.CharField(
        _("người đồng ý"),
        max_length=16,
        choices=[
            ("survivor", _("Người bị hại")),
            ("guardian", _("Cha mẹ, người giám hộ")),
            ("best_interest", _("Ngoại lệ vì lợi ích tốt nhất của trẻ em")),
            ("life_threat", _("Ngoại lệ do đe dọa tính mạng")),
        ],
    )
    exception_reason = EncryptedTextField(_("lý do ngoại lệ"), max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người giám sát phê duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    given_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(
        _("hết hiệu lực lúc"),
        null=True,
        blank=True,
        help_text=_("Để trống: có hiệu lực đến khi được rút lại."),
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("sự đồng ý")
        verbose_name_plural = _("sự đồng ý")

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


CONTEXT_CHOICES = list(CONTEXTS.items())
