"""Care of a case: risk (checklist held as data), safety plan, needs and services, follow-ups,
and in-app notifications (which carry a case code and a kind, never identifying data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case, RiskLevel
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager
from gbvms.orgs.models import Agency


class RiskFactor(models.Model):
    """One item of the risk checklist. Administrators maintain the list; code never changes."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    label = models.CharField(_("câu hỏi"), max_length=300)
    weight = models.PositiveSmallIntegerField(_("điểm"), default=1)
    critical = models.BooleanField(
        _("nghiêm trọng"), default=False, help_text=_("Có thì mức rủi ro ít nhất là Cao.")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        verbose_name = _("yếu tố rủi ro")
        verbose_name_plural = _("yếu tố rủi ro")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class RiskThreshold(models.Model):
    """The score from which a level applies (data, like the checklist)."""

    level = models.CharField(_("mức độ"), max_length=8, choices=RiskLevel.choices, unique=True)
    min_score = models.PositiveSmallIntegerField(_("từ điểm"))

    class Meta:
        verbose_name = _("ngưỡng rủi ro")
        verbose_name_plural = _("ngưỡng rủi ro")
        ordering = ["min_score"]

    def __str__(self) -> str:
        return f"{self.level} ≥ {self.min_score}"


class RiskAssessment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_assessments")
    answers = models.JSONField(_("câu trả lời"), default=dict)
    score = models.PositiveSmallIntegerField(_("điểm"))
    level = models.CharField(_("mức độ"), max_length=8, choices=RiskLevel.choices)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assessed_at = models.DateTimeField(default=timezone.now)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-assessed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} risk {self.level}"


class SafetyPlan(models.Model):
    """Encrypted: the survivor's words, resources, strategies and emergency contacts."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="safety_plan")
    concern = EncryptedTextField(_("mối lo ngại (theo lời người bị hại)"))
    resources = EncryptedTextField(_("nguồn lực, người hỗ trợ"), blank=True)
    strategies = EncryptedTextField(_("biện pháp an toàn"), blank=True)
    emergency_contacts = EncryptedTextField(_("liên hệ khẩn cấp"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"

    def __str__(self) -> str:
        return f"safety plan of {self.case}"


class NeedKind(models.TextChoices):
    SAFETY = "safety", _("An toàn")
    HEALTH = "health", _("Y tế")
    PSYCHOSOCIAL = "psychosocial", _("Tâm lý - xã hội")
    LEGAL = "legal", _("Pháp lý, tư pháp")
    SHELTER = "shelter", _("Nơi tạm lánh")
    ECONOMIC = "economic", _("Hỗ trợ kinh tế, xã hội")
    EDUCATION = "education", _("Giáo dục")


class ServiceCode(models.TextChoices):
    """Services a provider offers and a referral or a sharing consent names."""

    HEALTH = "health", _("Y tế")
    PSYCHOSOCIAL = "psychosocial", _("Tâm lý - xã hội")
    LEGAL_AID = "legal_aid", _("Trợ giúp pháp lý")
    POLICE_JUSTICE = "police_justice", _("Công an, tư pháp")
    SHELTER = "shelter", _("Nơi tạm lánh")
    ECONOMIC_SOCIAL = "economic_social", _("Hỗ trợ kinh tế, xã hội")
    EDUCATION = "education", _("Giáo dục")


class NeedStatus(models.TextChoices):
    PLANNED = "planned", _("Dự kiến")
    REFERRED = "referred", _("Đã chuyển gửi")
    PROVIDED = "provided", _("Do cơ quan cung cấp")
    ALREADY = "already", _("Đã được nhận")
    DECLINED = "declined", _("Người bị hại từ chối")
    UNAVAILABLE = "unavailable", _("Không có dịch vụ")


class Need(models.Model):
    """One line of the action plan."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("nhu cầu"), max_length=16, choices=NeedKind.choices)
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.PLANNED
    )
    note = EncryptedTextField(_("ghi chú"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="need_unique")]
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class ServiceRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="services")
    kind = models.CharField(_("loại dịch vụ"), max_length=16, choices=NeedKind.choices)
    delivered_at = models.DateTimeField(_("thời điểm cung cấp"))
    provider = models.ForeignKey(
        Agency, verbose_name=_("cơ quan cung cấp"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = EncryptedTextField(_("kết quả"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["delivered_at", "id"]
        indexes = [models.Index(fields=["case", "delivered_at"], name="service_case_time")]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"


class FollowUp(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField(_("hạn"))
    done_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    note = EncryptedTextField(_("ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["done_at", "due_on"], name="followup_open_due")]

    def __str__(self) -> str:
        return f"{self.case} follow-up {self.due_on}"


NOTIFICATION_LABELS = {
    "transfer_requested": _("Có yêu cầu chuyển giao vụ việc"),
    "transfer_accepted": _("Chuyển giao đã được chấp nhận"),
    "transfer_declined": _("Chuyển giao bị từ chối"),
    "risk_high": _("Vụ việc có rủi ro cao"),
    "risk_extreme": _("Vụ việc có rủi ro nghiêm trọng"),
    "break_glass": _("Truy cập khẩn cấp vào vụ việc"),
    "referral_received": _("Có chuyển gửi mới"),
    "referral_accepted": _("Chuyển gửi đã được nhận"),
    "referral_declined": _("Chuyển gửi bị từ chối"),
    "referral_completed": _("Chuyển gửi đã hoàn thành"),
    "referral_revoked": _("Chuyển gửi đã được thu hồi"),
    "referral_overdue": _("Chuyển gửi quá hạn phản hồi"),
    "help_request": _("Có yêu cầu hỗ trợ mới từ trang công khai"),
    "case_assigned": _("Bạn được phân công một vụ việc"),
    "closure_requested": _("Có đề nghị đóng vụ việc chờ duyệt"),
    "closure_approved": _("Đề nghị đóng vụ việc đã được duyệt"),
    "closure_returned": _("Đề nghị đóng vụ việc bị trả lại"),
    "case_new": _("Có vụ việc mới tại xã của bạn"),
    "help_request_danger": _("KHẨN: yêu cầu hỗ trợ đang gặp nguy hiểm ngay lúc này"),
    "followups_due": _("Có việc theo dõi đến hạn hoặc quá hạn"),
}
# the label of a kind nobody registered (never the raw code on screen)
NOTIFICATION_FALLBACK = _("Có việc cần bạn xử lý")


class Notification(models.Model):
    """An in-app notice: a kind and a case code, never names or narrative."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    case_code = models.CharField(max_length=20, blank=True)
    link = models.CharField(max_length=200, blank=True)  # a path in the app, no query string
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    urgent = models.BooleanField(default=False)  # shown first and in red (danger now)
    # a short non-identifying title (a report's name and period), never case content
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_code}"

    @property
    def label(self) -> str:
        return str(NOTIFICATION_LABELS.get(self.kind, NOTIFICATION_FALLBACK))


class NotificationPreference(models.Model):
    """Which channels a user wants for one kind of notice. No row: every channel on.
    In-app cannot be switched off for an urgent notice (``services_notify``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(max_length=40)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
