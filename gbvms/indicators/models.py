"""The indicator engine's tables.

- ``Indicator`` / ``IndicatorVersion``: the catalogue, as data with versions (REPORTING §A).
- ``Fact``: coded, de-identified facts derived from the case records (one row per counted item,
  and per value of a multi-valued dimension), rebuilt for a case whenever it changes. It holds
  no name, no free text and no identifier a person could be found by; it is what makes every
  figure traceable to the records behind it (``case_id``/``item_id``).
- ``IndicatorValue``: materialised numerator and denominator per (version, unit, period,
  disaggregation), with the suppression pattern of the suppressed audiences.
- ``DirtyCase`` / ``DirtyKey``: the outbox; services write to it inside their transaction.
- ``ExternalValue``: survey and external figures with provenance; ``UnitTarget``: yearly targets
  per unit (inherited down the tree).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    COUNT = "count", _("Số lượng")
    RATIO = "ratio", _("Tỷ lệ")
    MEDIAN = "median", _("Trung vị")
    EXTERNAL = "external", _("Số liệu điều tra, bên ngoài")


class CountUnit(models.TextChoices):
    PERSON = "person", _("Người")
    CASE = "case", _("Vụ việc")
    INCIDENT = "incident", _("Vụ")
    REFERRAL = "referral", _("Lượt chuyển gửi")
    MEASURE = "measure", _("Biện pháp")
    HOUR = "hour", _("Giờ")
    EVENT = "event", _("Hoạt động")
    VND = "vnd", _("Đồng")
    TARGET_GROUP = "tgroup", _("Nhóm đối tượng tại một đơn vị")
    MODEL = "model", _("Mô hình")
    COMMUNE = "commune", _("Xã")
    RECOMMENDATION = "recommend", _("Kiến nghị")
    FACILITY = "facility", _("Cơ sở")


class Direction(models.TextChoices):
    UP = "up", _("Càng cao càng tốt")
    DOWN = "down", _("Càng thấp càng tốt")


class Indicator(models.Model):
    code = models.CharField(_("mã"), max_length=12, unique=True)
    name_vi = models.CharField(_("tên"), max_length=300)
    name_en = models.CharField(_("tên tiếng Anh"), max_length=300)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    count_unit = models.CharField(_("đơn vị đếm"), max_length=10, choices=CountUnit.choices)
    source = models.CharField(_("nguồn số liệu"), max_length=12, default="response")
    disaggregations = models.JSONField(_("phân tổ"), default=list)  # dimension names
    period_types = models.JSONField(_("loại kỳ"), default=list)  # "Y", "S", "M"
    min_level = models.JSONField(_("cấp tối thiểu theo đối tượng"), default=dict)
    direction = models.CharField(_("chiều"), max_length=4, choices=Direction.choices,
                                 default=Direction.UP)  # fmt: skip
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"


class VersionStatus(models.TextChoices):
    BUILDING = "building", _("Đang tính")
    CURRENT = "current", _("Đang dùng")
    RETIRED = "retired", _("Đã thay thế")


class IndicatorVersion(models.Model):
    """One definition of an indicator. A parameter change is a new version; the values of old
    versions stay readable."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    params = models.JSONField(_("tham số"), default=dict)
    numerator = models.TextField(_("tử số"), blank=True)
    denominator = models.TextField(_("mẫu số"), blank=True)
    status = models.CharField(max_length=10, choices=VersionStatus.choices,
                              default=VersionStatus.BUILDING)  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator__order", "number"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "number"], name="indicatorversion_unique"),
            models.UniqueConstraint(
                fields=["indicator"],
                condition=models.Q(status="current"),
                name="indicatorversion_one_current",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} v{self.number}"


class Fact(models.Model):
    """A coded fact about one counted item of a case (see the module docstring)."""

    # case, perp, dvinc, dvinc_measure, referral, nocontact, closure
    family = models.CharField(max_length=16)
    case_id = models.BigIntegerField(db_index=True)
    item_id = models.BigIntegerField()
    person_id = models.BigIntegerField(null=True)  # the survivor, for distinct persons
    unit_path = models.CharField(max_length=64)  # the attributed commune
    prov = models.CharField(max_length=8)  # its province's path
    on = models.DateField()  # the date that places the item in a period
    m = models.CharField(max_length=6)
    s = models.CharField(max_length=6)
    y = models.CharField(max_length=4)
    sc = models.CharField(max_length=7)
    yc = models.CharField(max_length=5)
    # dimensions (option codes of REPORTING §A.2; "" when not applicable)
    sex = models.CharField(max_length=4, blank=True)
    age = models.CharField(max_length=8, blank=True)
    gbv6 = models.CharField(max_length=8, blank=True)
    ctx = models.CharField(max_length=8, blank=True)
    eth = models.CharField(max_length=4, blank=True)
    dis = models.CharField(max_length=4, blank=True)
    psex = models.CharField(max_length=4, blank=True)
    dvform = models.CharField(max_length=10, blank=True)
    measure = models.CharField(max_length=12, blank=True)
    service = models.CharField(max_length=16, blank=True)
    # flags and measures the definitions read
    hours = models.FloatField(null=True)  # detection → first support
    child_serious = models.BooleanField(default=False)
    refused = models.BooleanField(default=False)
    basic_service = models.BooleanField(default=False)
    need = models.BooleanField(default=False)
    served = models.BooleanField(default=False)
    all_needs_met = models.BooleanField(default=False)
    self_channel = models.BooleanField(default=False)
    child_12h = models.BooleanField(default=False)
    counselled = models.BooleanField(default=False)
    handled = models.BooleanField(default=False)
    prosecuted = models.BooleanField(default=False)
    in_deadline = models.BooleanField(default=False)
    needs_met = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["family", "unit_path", "y"], name="fact_family_unit_year"),
            models.Index(fields=["family", "yc", "unit_path"], name="fact_family_cutyear_unit"),
            models.Index(fields=["family", "prov", "y"], name="fact_family_prov_year"),
            models.Index(fields=["family", "person_id"], name="fact_family_person"),
        ]

    def __str__(self) -> str:
        return f"{self.family} {self.item_id}"


class Level(models.TextChoices):
    NATIONAL = "national", _("Toàn quốc")
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class IndicatorValue(models.Model):
    """A materialised cell. ``disagg`` is "" for the total, else sorted ``CAT=OPT`` pairs
    joined by ``;`` (``AGE_VN=Y16_59;SEX=F``). ``unit_path`` is ``/`` for the nation."""

    version = models.ForeignKey(IndicatorVersion, on_delete=models.CASCADE, related_name="values")
    unit_path = models.CharField(max_length=64)
    level = models.CharField(max_length=10, choices=Level.choices)
    period = models.CharField(max_length=8)
    disagg = models.CharField(max_length=80, blank=True, default="")
    n = models.BigIntegerField(null=True)
    d = models.BigIntegerField(null=True)
    value = models.FloatField(null=True)  # ratio, median; null when undefined
    p90 = models.FloatField(null=True)
    hidden = models.BooleanField(default=False)  # for the suppressed audiences
    hidden_reason = models.CharField(max_length=16, blank=True)  # primary, complementary, pending
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "unit_path", "period", "disagg"], name="indicatorvalue_unique"
            )
        ]
        indexes = [
            models.Index(fields=["version", "period", "level", "unit_path"],
                         name="indicatorvalue_period_level"),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.version} {self.unit_path} {self.period} {self.disagg}"


class DirtyCase(models.Model):
    """A case whose facts must be rebuilt (written inside the changing service's transaction)."""

    case_id = models.BigIntegerField(unique=True)
    enqueued_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_by = models.CharField(max_length=40, blank=True)  # the worker handling it
    claimed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"case {self.case_id}"


class DirtyKey(models.Model):
    """A (source, leaf unit, year) whose cells must be recomputed from facts or records."""

    source = models.CharField(max_length=12, default="response")
    unit_path = models.CharField(max_length=64)
    year = models.PositiveSmallIntegerField()
    enqueued_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_by = models.CharField(max_length=40, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "unit_path", "year"], name="dirtykey_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.unit_path} {self.year}"


class EngineState(models.Model):
    """One row: when the worker last finished a cycle, and what it did."""

    name = models.CharField(max_length=20, unique=True, default="main")
    cycle_at = models.DateTimeField(null=True, blank=True)
    cycle_seconds = models.FloatField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return self.name


class ExternalValue(models.Model):
    """A figure GBVMS does not hold (survey prevalence, population, SDG 5.2.1), with provenance."""

    ROLES = [("denominator", _("Mẫu số")), ("value", _("Giá trị"))]

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="external")
    unit_path = models.CharField(_("đơn vị"), max_length=64)
    period = models.CharField(_("kỳ"), max_length=8)
    role = models.CharField(_("vai trò"), max_length=12, choices=ROLES, default="denominator")
    value = models.DecimalField(_("giá trị"), max_digits=14, decimal_places=2)
    source = models.CharField(_("nguồn"), max_length=300)
    source_year = models.PositiveSmallIntegerField(_("năm của nguồn"))
    method = models.CharField(_("phương pháp"), max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-entered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit_path", "period", "role"], name="externalvalue_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit_path} {self.period} {self.role}"


class UnitTarget(models.Model):
    """A unit's own target for an indicator and year; units without one inherit the nearest
    ancestor's (REPORTING §A.5). ``unit_path`` "/" is the national target."""

    COMPARATORS = [(">", _("trên")), (">=", _("tối thiểu")), ("=", _("bằng")),
                   ("<=", _("tối đa")), ("<", _("dưới"))]  # fmt: skip

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="targets")
    unit_path = models.CharField(_("đơn vị"), max_length=64)
    year = models.PositiveSmallIntegerField(_("năm"))
    comparator = models.CharField(_("so sánh"), max_length=2, choices=COMPARATORS)
    value = models.DecimalField(_("giá trị"), max_digits=12, decimal_places=2)
    params = models.JSONField(_("tham số"), default=dict, blank=True)  # e.g. {"rule": "and"}
    plan_target = models.ForeignKey(
        "plans.Target", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator__order", "year", "unit_path"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "unit_path", "year"], name="unittarget_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.unit_path} {self.year} {self.comparator}{self.value}"
