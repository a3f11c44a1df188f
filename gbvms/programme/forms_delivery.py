"""Forms of the delivery pages: models, inspections (findings, recommendations), budget lines.

Each form's ``payload()`` gives the keyword arguments of its service."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gbvms.core import scoping
from gbvms.core.forms_util import GuardedForm, guard_field
from gbvms.geo.models import AdminUnit
from gbvms.orgs.models import Agency
from gbvms.programme import selectors, vocab
from gbvms.programme.models import Event

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CRITERIA_ROWS = 5


def _prefixes(user: Any) -> list[str]:
    return scoping.grants(user, "programme.manage")


def agency_choices(user: Any) -> QuerySet[Agency]:
    """Agencies the user records for, plus, with programme.manage, active ones in scope."""
    condition = Q(pk__in=selectors.recording_agencies(user).values("pk"))
    for prefix in _prefixes(user):
        condition |= Q(is_active=True, unit__path__startswith=prefix)
    return Agency.objects.filter(condition).select_related("unit").order_by("name")


def unit_choices(user: Any) -> QuerySet[AdminUnit]:
    condition = Q(pk__in=[])
    for agency in selectors.recording_agencies(user).select_related("unit"):
        condition |= Q(path__startswith=agency.unit.path)
    for prefix in _prefixes(user):
        condition |= Q(path__startswith=prefix)
    return AdminUnit.objects.current().filter(condition, level__in=["province", "commune"])


def area_agencies(unit: AdminUnit) -> QuerySet[Agency]:
    """Active agencies of the province of ``unit`` (members, evaluators, responsible)."""
    province = "/" + unit.path.strip("/").split("/")[0] + "/"
    return Agency.objects.filter(is_active=True, unit__path__startswith=province).order_by("name")


def _activities(user: Any) -> QuerySet[Any]:
    from gbvms.plans.models import Activity, Plan

    plans = scoping.scoped(user, "plans.view", Plan).values("pk")
    return Activity.objects.filter(plan__in=plans).order_by("plan_id", "id")


class RecordForm(GuardedForm):
    """The fields every record has."""

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["unit"].queryset = unit_choices(user)
        self.fields["lead_agency"].queryset = agency_choices(user)
        self.fields["plan_activity"].queryset = _activities(user)

    title = forms.CharField(label=_("Tên"), max_length=300)
    unit = forms.ModelChoiceField(label=_("Đơn vị hành chính"), queryset=AdminUnit.objects.none())
    lead_agency = forms.ModelChoiceField(label=_("Cơ quan chủ trì"), queryset=Agency.objects.none())
    plan_activity = forms.ModelChoiceField(
        label=_("Hoạt động của kế hoạch"), queryset=Agency.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("Trạng thái"), choices=vocab.RecordStatus.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=2000, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ModelForm(RecordForm):
    kind = forms.ChoiceField(label=_("Loại mô hình"), choices=vocab.ModelKind.choices)
    established_on = forms.DateField(label=_("Ngày thành lập"), widget=DATE)
    model_status = forms.ChoiceField(label=_("Tình trạng"), choices=vocab.ModelStatus.choices,
                                     initial="active")  # fmt: skip
    host = forms.CharField(label=_("Nơi đặt mô hình"), max_length=300, required=False)
    established_by = forms.CharField(label=_("Quyết định thành lập"), max_length=300,
                                     required=False)  # fmt: skip
    members_female = forms.IntegerField(label=_("Thành viên nữ"), min_value=0, initial=0)
    members_male = forms.IntegerField(label=_("Thành viên nam"), min_value=0, initial=0)
    replicated_from = forms.ModelChoiceField(
        label=_("Nhân rộng từ"), queryset=Agency.objects.none(), required=False
    )
    linked_provider = forms.ModelChoiceField(
        label=_("Cơ sở trong danh bạ dịch vụ"), queryset=Agency.objects.none(), required=False,
        help_text=_("Với địa chỉ tin cậy – nhà tạm lánh: số lượt tiếp nhận lấy từ chuyển gửi."),
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        from gbvms.referrals.models import ServiceProvider

        self.fields["replicated_from"].queryset = selectors.records(user, "model")
        self.fields["linked_provider"].queryset = ServiceProvider.objects.filter(is_active=True)


class InspectionForm(RecordForm):
    kind = forms.ChoiceField(label=_("Hình thức"), choices=vocab.InspectionKind.choices)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE)
    decision = forms.CharField(label=_("Quyết định thành lập đoàn"), max_length=300,
                               required=False)  # fmt: skip
    member_agencies = forms.ModelMultipleChoiceField(
        label=_("Cơ quan thành viên"), queryset=Agency.objects.none(), required=False
    )
    inspected_entities = forms.CharField(
        label=_("Đối tượng được kiểm tra"), max_length=3000, required=False,
        widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Mỗi dòng một đối tượng."),
    )  # fmt: skip
    topics = forms.CharField(label=_("Nội dung kiểm tra"), max_length=500, required=False)
    case = forms.CharField(label=_("Mã vụ việc (xác minh vụ việc)"), max_length=20,
                           required=False)  # fmt: skip

    def __init__(self, *args: Any, user: Any, keep_case: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.keep_case = keep_case
        self.fields["member_agencies"].queryset = (
            agency_choices(user).model.objects.filter(is_active=True).order_by("name")
        )

    def clean_inspected_entities(self) -> list[str]:
        text = self.cleaned_data.get("inspected_entities") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_case(self) -> Any:
        code = (self.cleaned_data.get("case") or "").strip()
        if not code:
            return self.keep_case
        from gbvms.cases.selectors import case_get_for_user

        try:
            return case_get_for_user(user=self.user, code=code)
        except Http404:
            raise forms.ValidationError(_("Không tìm thấy vụ việc")) from None


class BudgetForm(RecordForm):
    fiscal_year = forms.IntegerField(label=_("Năm ngân sách"), min_value=2000, max_value=2100)
    funding_source = forms.ChoiceField(label=_("Nguồn kinh phí"),
                                       choices=vocab.FundingSource.choices)  # fmt: skip
    amount_estimated = forms.IntegerField(label=_("Dự toán (đồng)"), min_value=0, initial=0)
    amount_allocated = forms.IntegerField(label=_("Được giao (đồng)"), min_value=0, initial=0)
    amount_committed = forms.IntegerField(label=_("Đã cam kết (đồng)"), min_value=0, initial=0)
    donor = forms.CharField(label=_("Nhà tài trợ"), max_length=200, required=False)
    project = forms.CharField(label=_("Dự án"), max_length=200, required=False)
    allocation_decision = forms.CharField(label=_("Quyết định giao dự toán"), max_length=300,
                                          required=False)  # fmt: skip
    ethnic_minority_area = forms.BooleanField(label=_("Vùng dân tộc thiểu số"), required=False)
    inkind_donors = forms.IntegerField(label=_("Số tổ chức, cá nhân đóng góp hiện vật"),
                                       min_value=0, initial=0)  # fmt: skip
    inkind_value = forms.IntegerField(label=_("Giá trị đóng góp hiện vật (đồng)"), min_value=0,
                                      initial=0)  # fmt: skip
    inkind_description = forms.CharField(label=_("Đóng góp hiện vật"), max_length=500,
                                         required=False)  # fmt: skip

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        activity = data.get("plan_activity")
        data["plan"] = activity.plan if activity else None
        return data


class EvaluationForm(GuardedForm):
    date = forms.DateField(label=_("Ngày đánh giá"), widget=DATE)
    evaluator = forms.ModelChoiceField(label=_("Cơ quan đánh giá"), queryset=Agency.objects.none())
    rating = forms.ChoiceField(label=_("Xếp loại"), choices=vocab.EvaluationRating.choices)
    advice = forms.ChoiceField(label=_("Kiến nghị"), choices=vocab.EvaluationAdvice.choices)
    findings = forms.CharField(label=_("Nhận xét"), max_length=4000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def __init__(self, *args: Any, unit: AdminUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evaluator"].queryset = area_agencies(unit)
        for i in range(1, CRITERIA_ROWS + 1):
            self.fields[f"criterion_{i}"] = forms.CharField(
                label=_("Tiêu chí %(n)s") % {"n": i}, max_length=300, required=False
            )
            guard_field(self.fields[f"criterion_{i}"])
            self.fields[f"met_{i}"] = forms.BooleanField(label=_("Đạt"), required=False)

    def criteria_rows(self) -> list[tuple[Any, Any]]:
        return [(self[f"criterion_{i}"], self[f"met_{i}"]) for i in range(1, CRITERIA_ROWS + 1)]

    def payload(self) -> dict[str, Any]:
        skip = ("criterion_", "met_")
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith(skip)}
        data["criteria"] = [
            {"name": self.cleaned_data[f"criterion_{i}"].strip(),
             "met": bool(self.cleaned_data[f"met_{i}"])}
            for i in range(1, CRITERIA_ROWS + 1) if self.cleaned_data[f"criterion_{i}"].strip()
        ]  # fmt: skip
        return data


class ModelStatusForm(GuardedForm):
    """A model's new status and the day it took effect (``services_models.model_status_set``)."""

    model_status = forms.ChoiceField(
        label=_("Tình trạng mới"), choices=[("", "—"), *vocab.ModelStatus.choices]
    )
    on = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["on"].initial = today
        self.fields["on"].widget.attrs["max"] = today.isoformat()

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FindingForm(GuardedForm):
    text = forms.CharField(label=_("Nội dung phát hiện"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    severity = forms.ChoiceField(label=_("Mức độ"), choices=vocab.Severity.choices,
                                 initial="medium")  # fmt: skip
    violation_type = forms.ChoiceField(
        label=_("Loại vi phạm"), choices=[("", "—"), *vocab.ViolationType.choices], required=False
    )
    legal_basis = forms.CharField(label=_("Căn cứ pháp lý"), max_length=300, required=False)
    handled_count = forms.IntegerField(label=_("Số vụ đã xử lý"), min_value=0, initial=0)

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class RecommendationForm(GuardedForm):
    text = forms.CharField(label=_("Kiến nghị"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip
    responsible_agency = forms.ModelChoiceField(label=_("Cơ quan thực hiện"),
                                                queryset=Agency.objects.none())  # fmt: skip
    due_date = forms.DateField(label=_("Hạn khắc phục"), widget=DATE)
    finding = forms.ModelChoiceField(label=_("Theo phát hiện"), queryset=Agency.objects.none(),
                                     required=False)  # fmt: skip

    def __init__(self, *args: Any, inspection: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        place = inspection.unit
        self.fields["responsible_agency"].queryset = Agency.objects.filter(
            Q(unit__path__startswith=place.path) | Q(unit__path__in=place.ancestors_and_self()),
            is_active=True,
        ).order_by("name")
        self.fields["finding"].queryset = inspection.findings.all()

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class FollowUpForm(GuardedForm):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=vocab.RecommendationStatus.choices)
    closed_on = forms.DateField(label=_("Ngày khắc phục xong"), widget=DATE, required=False)
    follow_up = forms.CharField(label=_("Kết quả theo dõi"), max_length=2000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ExpenditureForm(GuardedForm):
    date = forms.DateField(label=_("Ngày chi"), widget=DATE)
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=0)
    event = forms.ModelChoiceField(label=_("Hoạt động"), queryset=Event.objects.none(),
                                   required=False)  # fmt: skip
    note = forms.CharField(label=_("Nội dung chi"), max_length=300, required=False)

    def __init__(self, *args: Any, user: Any, line: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        events = scoping.scoped(user, "programme.view", Event).filter(unit=line.unit)
        self.fields["event"].queryset = events.exclude(status="cancelled").order_by("-start")

    def payload(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class ListFilter(GuardedForm):
    unit = forms.ChoiceField(label=_("Đơn vị"), required=False)
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100, required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("— Tất cả —")), *vocab.RecordStatus.choices],
    )

    def __init__(self, *args: Any, user: Any, extra: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        condition = Q(pk__in=[])
        for prefix in scoping.grants(user, "programme.view"):
            condition |= Q(path__startswith=prefix)
        units = AdminUnit.objects.current().filter(condition, level__in=["province", "commune"])
        self.fields["unit"].choices = [("", _("— Tất cả —"))] + [
            (u.code, u.name) for u in units.order_by("path")
        ]
        for field in extra.values():
            guard_field(field)
        self.fields.update(extra)


def choice(label: Any, choices: Any) -> forms.ChoiceField:
    return forms.ChoiceField(label=label, required=False, choices=[("", _("— Tất cả —")),
                                                                   *choices])  # fmt: skip
