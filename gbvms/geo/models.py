"""Administrative units: today's two levels and the pre-July-2025 units kept as history."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

CUTOVER = datetime.date(2025, 7, 1)


class Level(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện (trước 01/7/2025)")
    COMMUNE = "commune", _("Cấp xã")


class Kind(models.TextChoices):
    TINH = "tinh", _("Tỉnh")
    THANH_PHO_TW = "thanh_pho_tw", _("Thành phố trực thuộc trung ương")
    XA = "xa", _("Xã")
    PHUONG = "phuong", _("Phường")
    DAC_KHU = "dac_khu", _("Đặc khu")
    HUYEN = "huyen", _("Huyện")
    QUAN = "quan", _("Quận")
    THI_XA = "thi_xa", _("Thị xã")
    THANH_PHO_THUOC_TINH = "thanh_pho_thuoc_tinh", _("Thành phố thuộc tỉnh")
    THI_TRAN = "thi_tran", _("Thị trấn")


class AdminUnitQuerySet(models.QuerySet["AdminUnit"]):
    def current(self) -> AdminUnitQuerySet:
        return self.filter(valid_to__isnull=True)

    def historical(self) -> AdminUnitQuerySet:
        return self.filter(valid_to__isnull=False)

    def subtree(self, unit: AdminUnit) -> AdminUnitQuerySet:
        return self.filter(path__startswith=unit.path)


class AdminUnit(models.Model):
    """An administrative unit with its official NSO code.

    A code identifies a unit within its level and era: the units abolished on 1 July 2025 are kept
    with ``valid_to`` set and linked to the current units that succeeded them.
    ``path`` is a materialised path (``/51/22015/``; historical ``/h62/h610/h23290/``) so that a
    subtree is one indexed prefix match.
    """

    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=5)
    name = models.CharField(_("tên"), max_length=120)
    kind = models.CharField(_("loại"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("đường dẫn"), max_length=64, unique=True)
    search_name = models.CharField(max_length=120, db_index=True, editable=False)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        symmetrical=False,
        related_name="predecessors",
        blank=True,
    )
    source = models.CharField(_("nguồn"), max_length=200, blank=True)
    retrieved_on = models.DateField(_("ngày lấy dữ liệu"), null=True, blank=True)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="adminunit_current_code_unique",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_to"], name="adminunit_code_era_unique"
            ),
        ]
        indexes = [
            models.Index(
                fields=["path"], name="adminunit_path_prefix", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["level", "valid_to", "code"], name="adminunit_level_era"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_current(self) -> bool:
        return self.valid_to is None

    def ancestors_and_self(self) -> list[str]:
        """The path prefixes of this unit and every unit above it."""
        parts = [p for p in self.path.split("/") if p]
        return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
