"""Agencies, users and memberships (user × agency × role × administrative-unit scope)."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gbvms.core.roles import ROLE_CHOICES
from gbvms.geo.models import AdminUnit


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("Ủy ban nhân dân")
    HOME_AFFAIRS = "home_affairs", _("Nội vụ (bình đẳng giới)")
    LABOUR_SOCIAL = "labour_social", _("Lao động - Thương binh và Xã hội (trước 2025)")
    HEALTH = "health", _("Y tế")
    POLICE = "police", _("Công an")
    JUSTICE = "justice", _("Tư pháp")
    EDUCATION = "education", _("Giáo dục và Đào tạo")
    CULTURE = "culture", _("Văn hóa, Thể thao và Du lịch")
    INFORMATION = "information", _("Thông tin và Truyền thông")
    PLANNING = "planning", _("Kế hoạch và Đầu tư")
    FINANCE = "finance", _("Tài chính")
    STATISTICS = "statistics", _("Thống kê")
    COURT = "court", _("Tòa án")
    PROCURACY = "procuracy", _("Viện kiểm sát")
    BORDER_GUARD = "border_guard", _("Bộ đội biên phòng")
    WOMENS_UNION = "womens_union", _("Hội Liên hiệp Phụ nữ")
    YOUTH_UNION = "youth_union", _("Đoàn Thanh niên")
    TRADE_UNION = "trade_union", _("Công đoàn")
    FARMERS_UNION = "farmers_union", _("Hội Nông dân")
    FATHERLAND_FRONT = "fatherland_front", _("Mặt trận Tổ quốc")
    MEDIA = "media", _("Báo chí, truyền thông")
    SERVICE_PROVIDER = "service_provider", _("Cơ sở cung cấp dịch vụ")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")
    NGO = "ngo", _("Tổ chức phi chính phủ")
    OTHER = "other", _("Khác")


class Agency(models.Model):
    name = models.CharField(_("tên cơ quan"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=50, blank=True)
    kind = models.CharField(_("loại cơ quan"), max_length=32, choices=AgencyKind.choices)
    unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
        help_text=_("Tỉnh hoặc xã nơi cơ quan trực thuộc."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["unit__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="agency_name_unique_in_unit")
        ]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who signs in. Roles come from memberships, never from Django groups."""

    full_name = models.CharField(_("họ và tên"), max_length=150, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.full_name or self.username


class Membership(models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="memberships"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("vai trò"), max_length=32, choices=ROLE_CHOICES)
    scope_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("phạm vi"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_(
            "Quyền áp dụng cho đơn vị này và mọi đơn vị trực thuộc; để trống là toàn quốc."
        ),
    )
    is_active = models.BooleanField(_("còn hiệu lực"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["user__username", "agency__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "role", "scope_unit"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.agency} · {self.scope_unit}"


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for machine clients; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("tên"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"
