"""The append-only access log: every login, failed login, administrative change and case read."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager

# Labels of the reason codes written to the access log; apps add theirs in AppConfig.ready().
REASON_LABELS: dict[str, Any] = {}


def register_reason_labels(labels: dict[str, Any]) -> None:
    REASON_LABELS.update(labels)


class AppendOnlyError(Exception):
    """Raised on any attempt to change or delete an access-log entry."""


class AccessLogQuerySet(models.QuerySet["AccessLog"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")


class AccessLog(models.Model):
    """One entry per action. Never updated or deleted (also enforced by database triggers)."""

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    actor_username = models.CharField(_("tên đăng nhập"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=80, db_index=True)
    object_kind = models.CharField(_("loại đối tượng"), max_length=80, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("trình duyệt"), max_length=300, blank=True)
    # a reason CODE (closure reason …), never free text; its label comes from REASON_LABELS
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    # free text that only the log keeps (the break-glass and reopening reasons): encrypted,
    # shown only to those who may read the access log
    reason_detail = EncryptedTextField(_("lý do (mã hóa)"), blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)

    internal_objects = AccessLogQuerySet.as_manager()  # Django's own: forms, admin
    # every read needs a scope (gbvms.core.selectors.access_log_for_user)
    objects = ScopedManager.from_queryset(AccessLogQuerySet)()

    class Meta:
        default_manager_name = "internal_objects"
        verbose_name = _("nhật ký truy cập")
        verbose_name_plural = _("nhật ký truy cập")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_kind", "object_id"], name="accesslog_object"),
            models.Index(fields=["object_id", "at"], name="accesslog_object_id_at"),
            models.Index(fields=["actor", "at"], name="accesslog_actor_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or '-'} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError("the access log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the access log is append-only")

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS.get(self.reason, self.reason))

    @property
    def object_kind_label(self) -> str:
        """The object's kind in words (its model's name), never the ``app.model`` code."""
        from django.apps import apps

        if self.object_kind == "otp_totp.totpdevice":  # a third-party model named in English
            return str(_("Thiết bị xác thực hai lớp"))
        try:
            return str(apps.get_model(self.object_kind)._meta.verbose_name)
        except (LookupError, ValueError):
            return self.object_kind


class PublicHoliday(models.Model):
    """What the government announces on top of the legal calendar: an extra day off, or a
    weekend day worked in exchange (a swap). The public holidays themselves, Tết and the Hùng
    Kings' commemoration included, come from the maintained ``holidays`` calendar
    (core.workdays); a national administrator enters only the announcements."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ (nghỉ bù, hoán đổi)")
        WORKING_DAY = "working_day", _("Ngày làm việc bù (hoán đổi)")

    date = models.DateField(_("ngày"), unique=True)
    name = models.CharField(_("tên ngày nghỉ"), max_length=120)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, default=Kind.DAY_OFF)
    source = models.CharField(_("căn cứ"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ lễ, tết")
        verbose_name_plural = _("ngày nghỉ lễ, tết")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
