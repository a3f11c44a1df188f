"""Domestic-violence acts (Law 13/2022/QH15 Art. 3(1)) held as data, and how a report was
received (Art. 19–20; hotline Form 03 of Decree 76/2023)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from gbvms.cases.models.case import Case
from gbvms.core.fields import EncryptedJSONField
from gbvms.core.scoping import ScopedManager


class DvAct(models.Model):
    code = models.CharField(_("điểm"), max_length=2, unique=True)
    label = models.CharField(_("hành vi"), max_length=400)
    applies_divorced = models.BooleanField(_("áp dụng giữa người đã ly hôn"), default=False)
    applies_cohabiting = models.BooleanField(
        _("áp dụng giữa người chung sống như vợ chồng"), default=False
    )
    lettering_verified = models.BooleanField(_("đã đối chiếu văn bản chính thức"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("hành vi bạo lực gia đình")
        verbose_name_plural = _("hành vi bạo lực gia đình")

    def __str__(self) -> str:
        return f"{self.code}) {self.label}"


class Relationship(models.TextChoices):
    """Relationship between perpetrator and victim, which decides which DV acts apply."""

    FAMILY = "family", _("Thành viên gia đình (vợ chồng, cha mẹ con, ông bà cháu, anh chị em…)")
    DIVORCED = "divorced", _("Người đã ly hôn")
    COHABITING = "cohabiting", _("Người chung sống như vợ chồng")
    NOT_FAMILY = "not_family", _("Không phải quan hệ gia đình")


class ReceivedBy(models.TextChoices):
    """The six receiving addresses of the law, plus the operational channels."""

    UBND_XA = "ubnd_xa", _("Ủy ban nhân dân xã")
    CONG_AN = "cong_an", _("Công an, Đồn Biên phòng")
    CO_SO_GIAO_DUC = "co_so_giao_duc", _("Cơ sở giáo dục")
    TRUONG_THON = "truong_thon_to_dan_pho_mttq", _("Trưởng thôn, tổ trưởng tổ dân phố, Ban CTMT")
    TO_CHUC_CTXH = "to_chuc_ctxh_cap_xa", _("Tổ chức chính trị - xã hội cấp xã")
    TONG_DAI_BLGD = "tong_dai_quoc_gia_blgd", _("Tổng đài quốc gia về phòng, chống BLGĐ")
    DIA_CHI_TIN_CAY = "dia_chi_tin_cay", _("Địa chỉ tin cậy")
    CO_SO_Y_TE = "co_so_y_te", _("Cơ sở y tế")
    TONG_DAI_111 = "tong_dai_111", _("Tổng đài 111")
    TONG_DAI_PHU_NU = "tong_dai_1900969680", _("Đường dây nóng của Hội LHPN")
    WEB = "web", _("Trang web")


NOTIFY_CHAIR = {  # receivers that must notify the commune chairman at once (Art. 20)
    "cong_an", "co_so_giao_duc", "truong_thon_to_dan_pho_mttq", "to_chuc_ctxh_cap_xa",
    "tong_dai_quoc_gia_blgd", "dia_chi_tin_cay", "co_so_y_te", "tong_dai_111",
    "tong_dai_1900969680", "web",
}  # fmt: skip


class ReportChannel(models.TextChoices):
    PHONE_SMS = "phone_sms", _("Gọi điện, nhắn tin")
    LETTER = "letter_application", _("Gửi đơn, thư")
    IN_PERSON = "in_person", _("Trực tiếp")
    WEB = "web", _("Trực tuyến")


class ContextFlag(models.TextChoices):
    WORKPLACE_QPQ = "workplace_quid_pro_quo", _("Quấy rối tình dục nơi làm việc (đổi chác)")
    WORKPLACE_HOSTILE = (
        "workplace_hostile",
        _("Quấy rối tình dục nơi làm việc (môi trường thù địch)"),
    )
    SCHOOL = "school_violence", _("Bạo lực học đường")
    ONLINE = "online_violence", _("Bạo lực trên mạng")
    FOREIGN_MARRIAGE = "forced_marriage_foreigner", _("Cưỡng ép kết hôn với người nước ngoài")
    TRAFFICKING = "trafficking", _("Mua bán người")


class Report(models.Model):
    """How the report of a case was received, and when the commune chairman was told."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="report")
    received_by = models.CharField(_("nơi tiếp nhận"), max_length=32, choices=ReceivedBy.choices)
    channel = models.CharField(_("hình thức báo tin"), max_length=20,
                               choices=ReportChannel.choices)  # fmt: skip
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    chair_notified_at = models.DateTimeField(
        _("đã báo Chủ tịch UBND xã lúc"), null=True, blank=True
    )
    form03 = EncryptedJSONField(_("nội dung Mẫu số 03 (đường dây nóng)"), default=dict, blank=True)

    internal_objects = models.Manager()  # Django's own: related managers, forms, admin
    objects = ScopedManager()  # every read needs a scope (gbvms.core.scoping)

    class Meta:
        default_manager_name = "internal_objects"

    def __str__(self) -> str:
        return f"report of {self.case}"

    @property
    def chair_notification_required(self) -> bool:
        return self.received_by in NOTIFY_CHAIR
