"""Transfer of a case to another agency: it changes the owner, and the receiver must accept.

(A referral, in the referrals app, adds access for a provider; a transfer changes ownership.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case
from gbvms.core.fields import EncryptedTextField
from gbvms.core.scoping import ScopedManager
from gbvms.orgs.models import Agency


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Chờ tiếp nhận")
    ACCEPTED = "accepted", _("Đã tiếp nhận")
    DECLINED = "declined", _("Từ chối")
    CANCELLED = "cancelled", _("Đã hủy")


class CaseTransfer(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan nhận"), on_delete=models.PROTECT, related_name="+"
    )
    reason = EncryptedTextField(_("lý do chuyển"), max_length=500)
    status = models.CharField(
        max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = EncryptedTextField(_("lý do từ chối"), max_length=500, blank=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="pending"),
                name="one_pending_transfer_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} → {self.to_agency}"
