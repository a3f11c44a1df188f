"""The service directory, referrals between agencies, and the public help requests.

Referral notes and outcomes, help-request descriptions, contact details and replies are
encrypted; nothing identifying goes into notifications (a kind, a code and a link only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models import Case, ServiceCode
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency


class ProviderType(models.TextChoices):
    SOCIAL_WORK_CENTRE = "social_work_centre", _("Trung tâm công tác xã hội")
    TRUSTED_ADDRESS = "trusted_address", _("Địa chỉ tin cậy")
    SHELTER = "shelter", _("Nhà tạm lánh")
    HOSPITAL = "hospital", _("Bệnh viện")
    HEALTH_STATION = "health_station", _("Trạm y tế xã")
    POLICE = "police", _("Công an")
    LEGAL_AID = "legal_aid", _("Trợ giúp pháp lý")
    COURT = "court", _("Tòa án")
    SCHOOL_COUNSELLING = "school_counselling", _("Phòng tư vấn học đường")
    HOTLINE = "hotline", _("Đường dây nóng")
    NGO = "ngo", _("Tổ chức phi chính phủ")
    OTHER = "other", _("Khác")


class ProviderCriterion(models.Model):
    """One item of the official criteria checklist for service providers (data, not code)."""

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    label = models.CharField(_("tiêu chí"), max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class ServiceProvider(models.Model):
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="providers"
    )
    name = models.CharField(_("tên cơ sở"), max_length=200)
    type = models.CharField(_("loại cơ sở"), max_length=20, choices=ProviderType.choices)
    services = models.JSONField(_("dịch vụ"), default=list)
    coverage = models.ManyToManyField(
        AdminUnit,
        verbose_name=_("địa bàn phục vụ"),
        related_name="+",
        blank=True,
        help_text=_("Tỉnh (cả tỉnh) hoặc từng xã, phường."),
    )
    national = models.BooleanField(_("phục vụ toàn quốc"), default=False)
    open_24_7 = models.BooleanField(_("hoạt động 24/7"), default=False)
    hours = models.JSONField(
        _("giờ làm việc"),
        default=dict,
        blank=True,
        help_text=_('Theo thứ (0 = thứ Hai): {"0": [["07:30", "11:30"], ["13:30", "17:00"]]}'),
    )
    public_phone = models.CharField(_("điện thoại công khai"), max_length=30, blank=True)
    public_address = models.CharField(_("địa chỉ công khai"), max_length=300, blank=True)
    public_description = models.TextField(_("giới thiệu công khai"), blank=True)
    internal_phone = models.CharField(_("điện thoại nội bộ"), max_length=30, blank=True)
    internal_email = models.EmailField(_("thư điện tử nội bộ"), blank=True)
    languages = models.JSONField(_("ngôn ngữ"), default=list, blank=True)
    accessibility = models.CharField(_("tiếp cận cho người khuyết tật"), max_length=300, blank=True)
    shelter_beds = models.PositiveSmallIntegerField(_("số giường tạm lánh"), null=True, blank=True)
    shelter_occupied = models.PositiveSmallIntegerField(
        _("số giường đang dùng"), null=True, blank=True
    )
    criteria = models.ManyToManyField(
        ProviderCriterion, verbose_name=_("tiêu chí đạt"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ sở cung cấp dịch vụ")
        verbose_name_plural = _("cơ sở cung cấp dịch vụ")

    def __str__(self) -> str:
        return self.name

    def is_open(self, at: timezone.datetime | None = None) -> bool:
        if self.open_24_7:
            return True
        now = timezone.localtime(at) if at else timezone.localtime()
        clock = now.strftime("%H:%M")
        return any(start <= clock < end for start, end in self.hours.get(str(now.weekday()), []))

    def beds_free(self) -> int | None:
        if self.shelter_beds is None:
            return None
        return max(self.shelter_beds - (self.shelter_occupied or 0), 0)


class ReferralPathway(models.Model):
    """For a need in a province: which provider types to try, in order."""

    province = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    service = models.CharField(max_length=20, choices=ServiceCode.choices)
    provider_types = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["province", "service"], name="pathway_unique")
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.service}: {', '.join(self.provider_types)}"


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Khẩn cấp")
    URGENT = "urgent", _("Gấp")
    ROUTINE = "routine", _("Thông thường")


class Section(models.TextChoices):
    SUMMARY = "summary", _("Tóm tắt")
    NEEDS = "needs", _("Tóm tắt và nhu cầu")
    CASE_EXCEPT_NOTES = "case_except_notes", _("Toàn bộ vụ việc trừ ghi chú")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Đã gửi")
    ACCEPTED = "accepted", _("Đã nhận")
    DECLINED = "declined", _("Từ chối")
    COMPLETED = "completed", _("Hoàn thành")
    REVOKED = "revoked", _("Đã thu hồi")


class Referral(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    provider = models.ForeignKey(
        ServiceProvider, on_delete=models.PROTECT, related_name="referrals"
    )
    services = models.JSONField(_("dịch vụ"))
    urgency = models.CharField(_("mức độ khẩn"), max_length=10, choices=Urgency.choices)
    note = EncryptedTextField(_("ghi chú cho nơi nhận"), blank=True)
    visible_sections = models.JSONField(_("phần được xem"), default=list)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField(_("hạn phản hồi"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("lý do từ chối"), max_length=500, blank=True)
    suggested_provider = models.ForeignKey(
        ServiceProvider, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    outcome = EncryptedTextField(_("kết quả"), blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    # when the receiver's access to the survivor's identity ended, and why (a code from
    # gbvms.referrals.access.END_REASONS); once set it never comes back: a new referral is needed
    access_ended_at = models.DateTimeField(null=True, blank=True)
    access_end_reason = models.CharField(max_length=20, blank=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-sent_at", "-id"]
        indexes = [
            models.Index(fields=["provider", "status"], name="referral_provider_status"),
            models.Index(fields=["status", "respond_by"], name="referral_due"),
        ]

    def __str__(self) -> str:
        return f"{self.case.code} → {self.provider}"

    def is_overdue(self, now: timezone.datetime | None = None) -> bool:
        return self.status == ReferralStatus.SENT and (now or timezone.now()) > self.respond_by


class HelpKind(models.TextChoices):
    NEED_HELP = "need_help", _("Tôi cần giúp đỡ")
    WORRIED = "worried_about_someone", _("Tôi lo cho một người khác")
    WORKPLACE = "workplace_harassment", _("Quấy rối tình dục tại nơi làm việc")
    UNSAFE_PLACE = "unsafe_place", _("Một nơi không an toàn ở khu vực tôi")


class HelpStatus(models.TextChoices):
    NEW = "new", _("Mới")
    IN_PROGRESS = "in_progress", _("Đang xử lý")
    CONVERTED = "converted", _("Đã mở vụ việc")
    CLOSED = "closed", _("Đã đóng")


class HelpRequest(models.Model):
    """An anonymous request from the public site. The requester holds the tracking code and a
    PIN (stored hashed); no IP address is stored."""

    tracking_code = models.CharField(max_length=12, unique=True)
    pin_hash = models.CharField(max_length=128)
    kind = models.CharField(_("loại yêu cầu"), max_length=24, choices=HelpKind.choices)
    commune = models.ForeignKey(
        AdminUnit, verbose_name=_("xã, phường"), on_delete=models.PROTECT, related_name="+"
    )
    answers = models.JSONField(_("điều đã xảy ra"), default=list, blank=True)
    description = EncryptedTextField(_("mô tả"), blank=True)
    contact = EncryptedTextField(_("cách liên lạc"), blank=True)
    no_contact = models.BooleanField(_("không liên lạc lại"), default=False)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="help_requests",
    )
    status = models.CharField(
        _("tình trạng"), max_length=12, choices=HelpStatus.choices, default=HelpStatus.NEW
    )
    created_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    closed_reason = EncryptedTextField(_("lý do đóng"), max_length=300, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["agency", "status"], name="helprequest_inbox")]

    def __str__(self) -> str:
        return self.tracking_code


class HelpReply(models.Model):
    """A message the requester reads on the status page (no names; written for them)."""

    request = models.ForeignKey(HelpRequest, on_delete=models.CASCADE, related_name="replies")
    text = EncryptedTextField(_("trả lời"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"reply {self.pk}"


class RoutingRule(models.Model):
    """Which agency's inbox receives the public requests of a unit (a commune, or a whole
    province) and kind (blank: every kind). The most specific rule wins; without one, the
    agency whose case workers cover the commune."""

    unit = models.ForeignKey(AdminUnit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=HelpKind.choices, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "kind"], name="routing_unique")]

    def __str__(self) -> str:
        return f"{self.unit} {self.kind or '*'} → {self.agency}"


class RateBucket(models.Model):
    """Requests counted per client for rate limiting: the key is a keyed hash of the client
    address and purpose, and rows are deleted once their window has passed."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_once")]
        indexes = [models.Index(fields=["window_start"], name="rate_window")]

    def __str__(self) -> str:
        return f"{self.key[:8]} {self.window_start} {self.count}"
