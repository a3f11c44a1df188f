"""Forms of campaigns, communication events and trainings.

Each form's ``payload()`` gives the keyword arguments of its service (``campaign_save``,
``event_save``, ``training_save``); the service holds the rules, the form only parses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm, guard_field
from gbvms.orgs.models import Agency
from gbvms.programme import selectors, vocab
from gbvms.programme.forms_delivery import DATE, RecordForm
from gbvms.programme.models import Campaign

MEDIA_ROWS = 4
FUNDING_ROWS = 3
BLANK = [("", "—")]
CHECKS = forms.CheckboxSelectMultiple
ROW_FIELDS = (
    "funding_source_",
    "funding_amount_",
    "media_kind_",
    "media_quantity_",
    "p_",
    "target_groups",
)


class MainFields:
    """The fields shown in the form's main part (rows and grids are laid out apart)."""

    fields: dict[str, forms.Field]

    def main_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if not name.startswith(ROW_FIELDS)]  # type: ignore[index]


def area_agencies(user: Any) -> QuerySet[Agency]:
    """Active agencies within the user's programme.view scope (coordinating agencies)."""
    condition = Q(pk__in=[])
    for prefix in scoping.grants(user, "programme.view"):
        condition |= Q(unit__path__startswith=prefix)
    return Agency.objects.filter(condition, is_active=True).order_by("name")


def campaign_choices(user: Any) -> QuerySet[Campaign]:
    return selectors.records(user, "campaign").exclude(status="cancelled").order_by("-start")


def _number(label: Any, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, required=False, **kwargs)


def _amount(label: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, min_value=0, initial=0, required=False)


class EventBase(MainFields, RecordForm):
    """Dates, venue, campaign, costs and funding rows (events and trainings)."""

    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(
        label=_("Đến ngày"),
        widget=DATE,
        required=False,
        help_text=_("Để trống nếu diễn ra trong một ngày."),
    )
    venue = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)
    campaign = forms.ModelChoiceField(
        label=_("Thuộc chiến dịch"),
        queryset=Campaign.objects.none(),
        required=False,
        help_text=_("Chiến dịch của đơn vị hoặc của tỉnh mà hoạt động này hưởng ứng."),
    )
    coordinating_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), queryset=Agency.objects.none(), required=False
    )
    cost_planned = _amount(_("Kinh phí dự kiến (đồng)"))
    cost_actual = _amount(_("Kinh phí thực hiện (đồng)"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["campaign"].queryset = campaign_choices(user)
        self.fields["coordinating_agencies"].queryset = area_agencies(user)
        self.fields["plan_activity"].help_text = _("Không bắt buộc.")
        self.fields["status"].initial = "done"
        for i in range(1, FUNDING_ROWS + 1):
            self.fields[f"funding_source_{i}"] = forms.ChoiceField(
                label=_("Nguồn kinh phí %(n)s") % {"n": i},
                choices=BLANK + list(vocab.FundingSource.choices),
                required=False,
            )
            self.fields[f"funding_amount_{i}"] = _number(_("Số tiền (đồng)"))
            guard_field(self.fields[f"funding_amount_{i}"])

    def rows(self, prefix_a: str, prefix_b: str, count: int) -> list[tuple[Any, Any]]:
        return [(self[f"{prefix_a}_{i}"], self[f"{prefix_b}_{i}"]) for i in range(1, count + 1)]

    def funding_rows(self) -> list[tuple[Any, Any]]:
        return self.rows("funding_source", "funding_amount", FUNDING_ROWS)

    def _pairs(self, prefix_a: str, prefix_b: str, count: int) -> list[tuple[str, int]]:
        """Filled (code, number) rows; a code without a number is an error on the number."""
        out = []
        for i in range(1, count + 1):
            code = self.cleaned_data.get(f"{prefix_a}_{i}")
            number = self.cleaned_data.get(f"{prefix_b}_{i}")
            if f"{prefix_a}_{i}" in self.errors or f"{prefix_b}_{i}" in self.errors:
                continue  # the field's own error says what is wrong
            if code and number is None:
                self.add_error(f"{prefix_b}_{i}", _("Nhập số."))
            elif number and not code:
                self.add_error(f"{prefix_a}_{i}", _("Chọn loại."))
            elif code:
                out.append((code, number))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.funding_pairs = self._pairs("funding_source", "funding_amount", FUNDING_ROWS)
        for name in ("cost_planned", "cost_actual"):
            if data.get(name) is None:
                data[name] = 0
        return data

    def payload(self) -> dict[str, Any]:
        skip = ("funding_source_", "funding_amount_", "media_kind_", "media_quantity_", "p_")
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(skip)}
        data["funding"] = [{"source": s, "amount": a} for s, a in self.funding_pairs]
        return data


class CampaignForm(MainFields, RecordForm):
    kind = forms.ChoiceField(label=_("Loại chiến dịch"), choices=vocab.CampaignKind.choices)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)
    theme = forms.CharField(label=_("Chủ đề"), max_length=500, required=False)
    guidance_document = forms.CharField(
        label=_("Văn bản hướng dẫn"),
        max_length=300,
        required=False,
        help_text=_("Số, ký hiệu văn bản hướng dẫn tổ chức chiến dịch."),
    )
    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    coordinating_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"), queryset=Agency.objects.none(), required=False
    )
    field_order = [
        "kind",
        "year",
        "title",
        "theme",
        "guidance_document",
        "unit",
        "lead_agency",
        "start",
        "end",
        "plan_activity",
        "coordinating_agencies",
        "status",
        "note",
    ]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["coordinating_agencies"].queryset = area_agencies(user)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["status"].initial = "done"


EVENT_ORDER = [
    "kind",
    "title",
    "unit",
    "lead_agency",
    "start",
    "end",
    "venue",
    "campaign",
    "plan_activity",
    "audience_groups",
    "participants_total",
    "participants_female",
    "participants_male",
    "participants_other",
    "participants_ethnic",
    "participants_disability",
    "reach_estimate",
    "reach_source",
    "cost_planned",
    "cost_actual",
    "coordinating_agencies",
    "status",
    "note",
]


class EventForm(EventBase):
    kind = forms.ChoiceField(
        label=_("Loại hoạt động"),
        choices=[(k, vocab.EventKind(k).label) for k in vocab.COMMUNICATION_KINDS],
    )
    audience_groups = forms.MultipleChoiceField(
        label=_("Đối tượng"), choices=vocab.AudienceGroup.choices, required=False, widget=CHECKS
    )
    participants_total = _number(
        _("Tổng số người tham gia"),
        help_text=_("Để trống: bằng tổng nữ + nam + khác. Nếu nhập, phải bằng tổng đó."),
    )
    participants_female = _number(_("Nữ"), initial=0)
    participants_male = _number(_("Nam"), initial=0)
    participants_other = _number(_("Khác / không rõ"), initial=0)
    participants_ethnic = _number(_("Trong đó: người dân tộc thiểu số"))
    participants_disability = _number(_("Trong đó: người khuyết tật"))
    reach_estimate = _number(
        _("Ước tính số người tiếp cận"),
        help_text=_("Với tin bài, mạng xã hội: lượt xem, lượt tiếp cận."),
    )
    reach_source = forms.CharField(label=_("Nguồn ước tính"), max_length=200, required=False)
    field_order = EVENT_ORDER

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for i in range(1, MEDIA_ROWS + 1):
            self.fields[f"media_kind_{i}"] = forms.ChoiceField(
                label=_("Sản phẩm truyền thông %(n)s") % {"n": i},
                choices=BLANK + list(vocab.MediaKind.choices),
                required=False,
            )
            self.fields[f"media_quantity_{i}"] = _number(_("Số lượng"))
            guard_field(self.fields[f"media_quantity_{i}"])

    def media_rows(self) -> list[tuple[Any, Any]]:
        return self.rows("media_kind", "media_quantity", MEDIA_ROWS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.media_pairs = self._pairs("media_kind", "media_quantity", MEDIA_ROWS)
        for name in ("participants_female", "participants_male", "participants_other"):
            if data.get(name) is None:
                data[name] = 0
        return data

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        data["media_outputs"] = [{"kind": k, "quantity": q} for k, q in self.media_pairs]
        return data


def cell(group: str, sex: str) -> str:
    return f"p_{group}_{sex}"


TRAINING_ORDER = [
    "title",
    "topic",
    "unit",
    "lead_agency",
    "start",
    "end",
    "venue",
    "level",
    "days",
    "hours",
    "plan_activity",
    "campaign",
    "target_groups",
    "trainers_count",
    "trainer_source",
    "pre_score",
    "post_score",
    "cost_planned",
    "cost_actual",
    "coordinating_agencies",
    "status",
    "note",
]


class TrainingForm(EventBase):
    topic = forms.ChoiceField(label=_("Chủ đề"), choices=vocab.TrainingTopic.choices)
    target_groups = forms.MultipleChoiceField(
        label=_("Nhóm đối tượng"),
        choices=vocab.TargetGroup.choices,
        widget=CHECKS,
        help_text=_("Chỉ số học viên của các nhóm được chọn mới được tính."),
    )
    level = forms.ChoiceField(
        label=_("Cấp tổ chức"),
        choices=BLANK + list(vocab.TrainingLevel.choices),
        required=False,
        help_text=_("Để trống: theo cấp của đơn vị hành chính."),
    )
    days = forms.DecimalField(
        label=_("Số ngày"), min_value=0, max_digits=4, decimal_places=1, required=False
    )
    hours = forms.DecimalField(
        label=_("Số giờ"), min_value=0, max_digits=5, decimal_places=1, required=False
    )
    trainers_count = _number(_("Số giảng viên"), initial=0, max_value=32767)
    trainer_source = forms.ChoiceField(
        label=_("Nguồn giảng viên"),
        choices=BLANK + list(vocab.TrainerSource.choices),
        required=False,
    )
    pre_score = forms.DecimalField(
        label=_("Điểm trước tập huấn (trung bình)"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    post_score = forms.DecimalField(
        label=_("Điểm sau tập huấn (trung bình)"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        required=False,
    )
    field_order = TRAINING_ORDER

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        for group, group_label in vocab.TargetGroup.choices:
            for sex, sex_label in vocab.Sex.choices:
                text = _("%(group)s – %(sex)s") % {"group": group_label, "sex": sex_label}
                self.fields[cell(group, sex)] = _number(
                    text, widget=forms.NumberInput(attrs={"aria-label": text, "min": 0})
                )
                guard_field(self.fields[cell(group, sex)])

    def grid(self) -> list[dict[str, Any]]:
        """Rows of the participants grid: a target group and its female/male/other cells."""
        return [
            {
                "label": group_label,
                "code": group,
                "cells": [self[cell(group, sex)] for sex in vocab.Sex.values],
            }
            for group, group_label in vocab.TargetGroup.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        chosen = set(data.get("target_groups") or [])
        for group, group_label in vocab.TargetGroup.choices:
            for sex in vocab.Sex.values:
                if data.get(cell(group, sex)) and group not in chosen:
                    self.add_error(
                        cell(group, sex),
                        _("Nhóm %(group)s chưa được chọn trong các nhóm đối tượng.")
                        % {"group": group_label},
                    )
        if data.get("trainers_count") is None:
            data["trainers_count"] = 0
        return data

    def payload(self) -> dict[str, Any]:
        data = super().payload()
        data["participants"] = [
            {"group": group, "sex": sex, "count": self.cleaned_data[cell(group, sex)]}
            for group in vocab.TargetGroup.values
            for sex in vocab.Sex.values
            if self.cleaned_data.get(cell(group, sex))
        ]
        return data


class CancelForm(GuardedForm):
    reason = forms.CharField(
        label=_("Lý do hủy"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def initial_of(kind: str, record: Any) -> dict[str, Any]:
    """The form's initial values from a saved record."""
    form_class = FORMS[kind]
    initial = {name: getattr(record, name, None) for name in form_class.base_fields}
    initial["coordinating_agencies"] = list(record.coordinating_agencies.all())
    if kind == "campaign":
        initial["year"] = record.start.year
        return initial
    _rows(
        initial,
        "funding_source",
        "funding_amount",
        [(r["source"], r["amount"]) for r in record.funding or []],
    )
    if kind == "event":
        _rows(
            initial,
            "media_kind",
            "media_quantity",
            [(r["kind"], r["quantity"]) for r in record.media_outputs or []],
        )
        return initial
    detail = getattr(record, "training", None)
    if detail is not None:
        for name in (
            "topic",
            "target_groups",
            "level",
            "days",
            "hours",
            "trainers_count",
            "trainer_source",
            "pre_score",
            "post_score",
        ):
            initial[name] = getattr(detail, name)
    for p in record.participations.all():
        initial[cell(p.group, p.sex)] = p.count
    return initial


def _rows(initial: dict[str, Any], a: str, b: str, pairs: list[tuple[str, int]]) -> None:
    for i, (code, number) in enumerate(pairs, start=1):
        initial[f"{a}_{i}"], initial[f"{b}_{i}"] = code, number


def filter_form(request: Any, extra_year: int | None = None) -> Any:
    """The list filter (unit, year — this year unless asked —, status, plan activity)."""
    from gbvms.programme.forms_delivery import ListFilter

    data = request.GET.copy()
    if "year" not in data:
        data["year"] = str(extra_year or timezone.localdate().year)
    extra = {
        "activity": forms.IntegerField(
            label=_("Mã hoạt động của kế hoạch"), min_value=1, required=False
        )
    }
    return ListFilter(data, user=request.user, extra=extra)


FORMS: dict[str, type[RecordForm]] = {
    "campaign": CampaignForm,
    "event": EventForm,
    "training": TrainingForm,
}
