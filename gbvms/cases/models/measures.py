"""Protective and support measures (Law 13/2022/QH15 Art. 22) and perpetrator interventions.

The measure types, their deciding authority and legal time limits are data (seeded by a migration
from the law; administrators can correct them), never constants in code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case, Perpetrator
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager


class MeasureType(models.Model):
    code = models.SlugField(_("mã"), max_length=40, unique=True)
    label = models.CharField(_("biện pháp"), max_length=200)
    authority = models.CharField(_("người quyết định/áp dụng"), max_length=200, blank=True)
    decision_hours = models.PositiveSmallIntegerField(
        _("thời hạn quyết định (giờ)"), null=True, blank=True
    )
    max_duration_days = models.PositiveSmallIntegerField(
        _("thời hạn tối đa (ngày)"), null=True, blank=True
    )
    requires_protected_group_or_danger = models.BooleanField(
        _("chỉ khi người bị hại thuộc nhóm được bảo vệ hoặc nguy hiểm tính mạng"), default=False
    )
    legal_basis = models.CharField(_("căn cứ"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("loại biện pháp")
        verbose_name_plural = _("loại biện pháp")

    def __str__(self) -> str:
        return self.label


class Decision(models.TextChoices):
    PENDING = "pending", _("Chờ quyết định")
    GRANTED = "granted", _("Đã quyết định áp dụng")
    REFUSED = "refused", _("Từ chối (có lý do bằng văn bản)")


class ProtectiveMeasure(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="measures")
    type = models.ForeignKey(MeasureType, verbose_name=_("biện pháp"), on_delete=models.PROTECT)
    requested_at = models.DateTimeField(_("thời điểm đề nghị"), default=timezone.now)
    requester = models.CharField(
        _("người đề nghị"),
        max_length=12,
        choices=[
            ("survivor", _("Người bị hại")),
            ("guardian", _("Người giám hộ, đại diện")),
            ("agency", _("Cơ quan, tổ chức")),
        ],
        default="survivor",
    )
    survivor_consent = models.BooleanField(_("người bị hại/giám hộ đồng ý"), default=True)
    danger_to_life = models.BooleanField(
        _("có căn cứ nguy hiểm sức khỏe, tính mạng"), default=False
    )
    decision = models.CharField(max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_at = models.DateTimeField(_("thời điểm quyết định"), null=True, blank=True)
    refusal_reason = EncryptedTextField(_("lý do từ chối"), max_length=500, blank=True)
    starts_at = models.DateTimeField(_("bắt đầu"), null=True, blank=True)
    ends_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    outcome = EncryptedTextField(_("kết quả"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case} {self.type.code}"


class InterventionKind(models.TextChoices):
    COUNSELLING = "counselling", _("Tư vấn")
    COMMUNITY_CRITICISM = "community_criticism", _("Góp ý, phê bình trong cộng đồng")
    BEHAVIOUR_CHANGE = "behaviour_change", _("Giáo dục chuyển đổi hành vi")
    ADMIN_SANCTION = "admin_sanction", _("Xử phạt vi phạm hành chính")
    CRIMINAL = "criminal", _("Truy cứu trách nhiệm hình sự")


class Intervention(models.Model):
    """What was done about a perpetrator (feeds 'perpetrators counselled and handled')."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="interventions")
    perpetrator = models.ForeignKey(
        Perpetrator, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("biện pháp"), max_length=24, choices=InterventionKind.choices)
    done_on = models.DateField(_("ngày thực hiện"))
    outcome = EncryptedTextField(_("kết quả"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["done_on", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.kind}"
