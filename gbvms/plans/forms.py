"""Forms of the plans pages: the import review screen (one formset per kind of item, each item
beside its source line) and the pages that create and edit a plan by hand."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.conf import settings
from django.forms import formset_factory
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from gbvms.core import uploads
from gbvms.core.forms_util import GuardedForm, GuardedModelForm
from gbvms.geo.models import AdminUnit
from gbvms.indicators.forms import RULE_CHOICES, indicator_choices, link_error
from gbvms.orgs.models import Agency
from gbvms.plans import documents, vntext
from gbvms.plans.models import (
    Activity,
    Comparator,
    Plan,
    PlanEvent,
    ReportKind,
    Target,
    TargetUnit,
    TaskStatus,
)


def lines_of(text: str) -> list[str]:
    return [tidy for line in (text or "").splitlines() if (tidy := vntext.tidy(line))]


def check_period(form: forms.BaseForm, data: dict[str, Any]) -> None:
    start, end = data.get("start_year"), data.get("end_year")
    if start and end and end < start:
        form.add_error("end_year", _("Năm kết thúc trước năm bắt đầu."))


def lines_field(label: Any, rows: int = 2, **kwargs: Any) -> forms.CharField:
    """A textarea read one item per line (agencies, phases, duties)."""
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": rows}), **kwargs
    )


LEAD_LABEL = _("Cơ quan chủ trì (mỗi cơ quan một dòng)")
COORDINATING_LABEL = _("Cơ quan phối hợp (mỗi cơ quan một dòng)")
TIMELINE_LABEL = _("Thời gian thực hiện (mỗi giai đoạn một dòng)")


def phases(text: str) -> list[dict[str, Any]]:
    """Timeline phases from lines such as "Từ năm 2017 - 2019: thí điểm" (the importer's rule)."""
    from gbvms.plans.importer import timeline_of

    return [
        {k: v for k, v in p.items() if k != "line"}
        for p in timeline_of([(line, 0) for line in lines_of(text)])
    ]


class UploadForm(GuardedForm):
    file = forms.FileField(
        label=_("Tệp văn bản"),
        required=False,
        help_text=_(
            "DOCX, PDF có lớp chữ (không nhận bản quét), Markdown (.md) hoặc văn bản (.txt), "
            "tối đa 20 MB."
        ),
    )
    # no max_length validator: a longer paste is cut in __init__ (the browser's maxlength
    # attribute, set there too, cuts it before sending)
    text = forms.CharField(
        label=_("Hoặc dán nội dung văn bản"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị ban hành"),
        queryset=AdminUnit.objects.none(),
        required=False,
        help_text=_("Tỉnh hoặc xã ban hành kế hoạch; để trống với văn bản của trung ương."),
    )

    def __init__(self, *args: Any, units: Any, national: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        # only those who manage national plans may leave the unit empty
        self.fields["unit"].required = not national
        self.fields["text"].widget.attrs["maxlength"] = settings.TEXT_MAX_CHARS
        self.text_cut = False
        if self.is_bound and "text" in self.data:
            # a paste longer than the limit: keep its first part in the box, and say so
            # (browsers send line ends as CRLF, which the maxlength attribute counts once)
            raw = self.data["text"]
            kept, self.text_cut = uploads.cut_text(raw.replace("\r\n", "\n"))
            if kept != raw:
                self.data = self.data.copy()
                self.data["text"] = kept

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.UPLOAD_MAX_BYTES:
            raise documents.too_large().as_validation_error()
        return upload

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text") or ""
        if self.text_cut:
            raise forms.ValidationError(
                _(
                    "Văn bản dán vào dài hơn giới hạn %(max)s ký tự nên chưa được đọc; ô dưới "
                    "đây chỉ giữ lại phần đầu. Hãy bỏ bớt phần không cần (ví dụ phụ lục) rồi "
                    "gửi lại."
                ),
                code="text_cut",
                params={"max": f"{settings.TEXT_MAX_CHARS:,}".replace(",", ".")},
            )
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        empty = not data.get("file") and not (data.get("text") or "").strip()
        if empty and not self.text_cut:
            raise forms.ValidationError(_("Chọn một tệp hoặc dán nội dung văn bản."))
        return data


# ------------------------------------------------------------------------------------ review

YEAR = {"min_value": 1945, "max_value": 2100, "required": False}


class HeaderForm(GuardedForm):
    title = forms.CharField(
        label=_("Tên văn bản"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=200, required=False)
    document_number = forms.CharField(label=_("Số, ký hiệu"), max_length=60, required=False)
    issued_on = forms.DateField(
        label=_("Ngày ban hành"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    start_year = forms.IntegerField(label=_("Từ năm"), **YEAR)
    end_year = forms.IntegerField(label=_("Đến năm"), **YEAR)
    start = forms.DateField(
        label=_("Từ ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Đến ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    basis = forms.CharField(
        label=_("Căn cứ (mỗi văn bản một dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data)
        return data


class ItemForm(GuardedForm):
    line = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ActivityReviewForm(ItemForm):
    code = forms.CharField(label=_("Mã"), max_length=20, required=False)
    group = forms.CharField(label=_("Nhóm"), max_length=500, required=False)
    title = forms.CharField(label=_("Hoạt động"), widget=forms.Textarea(attrs={"rows": 2}))
    lead = lines_field(LEAD_LABEL)
    coordinating = lines_field(COORDINATING_LABEL, rows=3)
    solution = forms.CharField(
        label=_("Giải pháp thực hiện"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    timeline = lines_field(
        TIMELINE_LABEL,
        help_text=_("Ví dụ: “Từ năm 2017 - 2019: thí điểm”; năm được đọc từ từng dòng."),
    )


class TargetReviewForm(ItemForm):
    text = forms.CharField(label=_("Mục tiêu"), widget=forms.Textarea(attrs={"rows": 2}))
    comparator = forms.ChoiceField(label=_("So sánh"), choices=Comparator.choices)
    value = forms.DecimalField(label=_("Giá trị"), min_value=0, max_digits=12, decimal_places=2)
    unit = forms.ChoiceField(label=_("Đơn vị"), choices=TargetUnit.choices)
    year = forms.IntegerField(label=_("Năm"), **YEAR)
    # the importer's proposal, shown by its Vietnamese name; confirmed, it becomes the plan
    # unit's yearly targets (gbvms/indicators/targets.py)
    indicator = forms.ChoiceField(
        label=_("Chỉ tiêu đo mục tiêu này"), choices=indicator_choices, required=False
    )
    rule = forms.ChoiceField(
        label=_("Cách tính (chỉ tiêu R07)"), choices=RULE_CHOICES, required=False
    )
    indicator_confirmed = forms.BooleanField(
        label=_("Xác nhận liên kết với chỉ tiêu"), required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("indicator_confirmed") and data.get("indicator") and data.get("unit"):
            error = link_error(data["indicator"], data["unit"])
            if error:
                self.add_error("indicator", error)
        return data


DUE = re.compile(r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})(?:/(?P<y>\d{4}))?$")


class ReportingReviewForm(ItemForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=ReportKind.choices)
    due = forms.CharField(
        label=_("Hạn (ngày/tháng hoặc ngày/tháng/năm)"), max_length=10, required=False
    )
    to = forms.CharField(label=_("Gửi về"), max_length=300, required=False)
    text = forms.CharField(label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_due(self) -> str | None:
        raw = (self.cleaned_data.get("due") or "").strip()
        if not raw:
            return None
        m = DUE.match(raw)
        year = int(m["y"]) if m and m["y"] else None
        if not m or vntext.make_date(year, int(m["m"]), int(m["d"])) is None:
            raise forms.ValidationError(_("Nhập hạn dạng 15/6 hoặc 15/12/2025."))
        return vntext.iso_or_md(int(m["d"]), int(m["m"]), year)


def due_display(due: str | None) -> str:
    if not due:
        return ""
    if len(due) == 10:
        return f"{due[8:10]}/{due[5:7]}/{due[:4]}"
    return f"{due[3:5]}/{due[:2]}"


class EventReviewForm(ItemForm):
    title = forms.CharField(label=_("Sự kiện"), max_length=500)
    date = forms.DateField(
        label=_("Ngày"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    place = forms.CharField(label=_("Địa điểm"), max_length=300, required=False)


class ResponsibilityReviewForm(ItemForm):
    agency = forms.CharField(label=_("Cơ quan"), max_length=300)
    duties = forms.CharField(
        label=_("Nhiệm vụ (mỗi nhiệm vụ một dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgencyChoiceForm(GuardedForm):
    """One agency name from the document: link it to an existing agency, create it, or leave it."""

    NEW = "new"
    name = forms.CharField(widget=forms.HiddenInput, max_length=300)
    choice = forms.ChoiceField(
        label=_("Cơ quan trong hệ thống"),
        required=False,
        widget=forms.Select(attrs={"data-picker": reverse_lazy("orgs:agency_search")}),
    )

    def __init__(self, *args: Any, agencies: list[Agency], can_create: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        options = [("", _("— Không liên kết —"))]
        if can_create:
            options.append((self.NEW, _("+ Tạo cơ quan mới với tên này")))
        options += [(str(a.pk), f"{a.name} — {a.unit.name}") for a in agencies]
        self.fields["choice"].choices = options  # type: ignore[attr-defined]


def review_formsets(data: Any = None, result: dict[str, Any] | None = None) -> dict[str, Any]:
    """The review screen's formsets, from the importer's result (GET) or the POST."""
    result = result or {}
    specs = {
        "activities": (
            ActivityReviewForm,
            [
                {
                    "code": a.get("code") or "",
                    "group": a.get("group") or "",
                    "title": a["title"],
                    "lead": "\n".join(a.get("lead", [])),
                    "coordinating": "\n".join(a.get("coordinating", [])),
                    "solution": a.get("solution") or "",
                    "timeline": "\n".join(p["text"] for p in a.get("timeline", [])),
                    "line": a.get("line"),
                }
                for a in result.get("activities", [])
            ],
        ),
        "targets": (
            TargetReviewForm,
            [
                {
                    **{k: t.get(k) for k in ("text", "comparator", "value", "unit", "year")},
                    "line": t.get("line"),
                    "indicator": t.get("indicator") or "",
                    "rule": (t.get("indicator_params") or {}).get("rule", ""),
                }
                for t in result.get("targets", [])
            ],
        ),
        "reporting": (
            ReportingReviewForm,
            [
                {
                    "kind": r["kind"],
                    "due": due_display(r.get("due")),
                    "to": r.get("to") or "",
                    "text": r["text"],
                    "line": r.get("line"),
                }
                for r in result.get("reporting", [])
            ],
        ),
        "events": (
            EventReviewForm,
            [
                {
                    "title": e["title"],
                    "date": e.get("date"),
                    "place": e.get("place") or "",
                    "line": e.get("line"),
                }
                for e in result.get("events", [])
            ],
        ),
        "responsibilities": (
            ResponsibilityReviewForm,
            [
                {
                    "agency": r["agency"],
                    "duties": "\n".join(r.get("duties", [])),
                    "line": r.get("line"),
                }
                for r in result.get("responsibilities", [])
            ],
        ),
    }
    out = {}
    for prefix, (form, initial) in specs.items():
        formset = formset_factory(form, extra=0, can_delete=True)
        out[prefix] = formset(data, initial=None if data else initial, prefix=prefix)
    return out


def reviewed_result(
    header: HeaderForm, formsets: dict[str, Any], campaigns: list[Any]
) -> dict[str, Any]:
    """The importer's schema again, from the corrected forms."""
    h = header.cleaned_data

    def kept(prefix: str) -> list[dict[str, Any]]:
        return [
            f.cleaned_data
            for f in formsets[prefix].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def iso(value: datetime.date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "title": h["title"].strip(),
        "issuer": h.get("issuer") or None,
        "document_number": h.get("document_number") or None,
        "issued_on": iso(h.get("issued_on")),
        "period": {
            "start_year": h.get("start_year"),
            "end_year": h.get("end_year"),
            "start": iso(h.get("start")),
            "end": iso(h.get("end")),
        },
        "basis": lines_of(h.get("basis") or ""),
        "activities": [
            {
                "code": a["code"] or None,
                "group": a["group"] or None,
                "title": a["title"].strip(),
                "lead": lines_of(a["lead"]),
                "coordinating": lines_of(a["coordinating"]),
                "solution": a["solution"] or None,
                "timeline": phases(a["timeline"]),
                "line": a["line"],
            }
            for a in kept("activities")
        ],
        "targets": [
            {
                "text": t["text"],
                "comparator": t["comparator"],
                "value": t["value"],
                "unit": t["unit"],
                "year": t["year"],
                "line": t["line"],
                "indicator": t.get("indicator") or None,
                "indicator_params": {"rule": t["rule"]} if t.get("rule") else {},
                "indicator_confirmed": bool(t.get("indicator_confirmed") and t.get("indicator")),
            }
            for t in kept("targets")
        ],
        "reporting": [
            {
                "kind": r["kind"],
                "due": r["due"],
                "to": r["to"] or None,
                "text": r["text"],
                "line": r["line"],
            }
            for r in kept("reporting")
        ],
        "events": [
            {
                "title": e["title"],
                "date": iso(e["date"]),
                "place": e["place"] or None,
                "line": e["line"],
            }
            for e in kept("events")
        ],
        "responsibilities": [
            {"agency": r["agency"].strip(), "duties": lines_of(r["duties"]), "line": r["line"]}
            for r in kept("responsibilities")
        ],
        "campaigns": campaigns,
        "warnings": [],
    }


# ------------------------------------------------------------------------------------ by hand


class PlanForm(GuardedModelForm):
    basis_text = forms.CharField(
        label=_("Căn cứ (mỗi văn bản một dòng)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Plan
        fields = [
            "title",
            "document_number",
            "issued_on",
            "issuer_name",
            "unit",
            "start_year",
            "end_year",
            "starts_on",
            "ends_on",
            "parent",
            "status",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, units: Any, plans: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["parent"].queryset = plans  # type: ignore[attr-defined]
        if self.instance.pk:
            self.fields["basis_text"].initial = "\n".join(self.instance.basis)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_period(self, data)
        self.instance.basis = lines_of(data.get("basis_text") or "")
        return data


class ActivityForm(GuardedModelForm):
    lead = lines_field(LEAD_LABEL)
    coordinating = lines_field(COORDINATING_LABEL, rows=3)
    timeline = lines_field(TIMELINE_LABEL)

    class Meta:
        model = Activity
        fields = ["code", "group", "title", "solution", "budget", "place"]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "solution": forms.Textarea(attrs={"rows": 3}),
            "budget": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            links = list(self.instance.agencies.all())
            self.fields["lead"].initial = "\n".join(x.name for x in links if x.role == "lead")
            self.fields["coordinating"].initial = "\n".join(
                x.name for x in links if x.role == "coordinating"
            )
            self.fields["timeline"].initial = "\n".join(p.text for p in self.instance.phases.all())


class TargetForm(GuardedModelForm):
    class Meta:
        model = Target
        fields = ["text", "comparator", "value", "unit", "year"]  # the link: on the plan page
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}


class ReportingForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Loại"), choices=ReportKind.choices)
    due = forms.CharField(label=_("Hạn (ngày/tháng hoặc ngày/tháng/năm)"), max_length=10)
    to = forms.CharField(label=_("Gửi về"), max_length=300, required=False)
    text = forms.CharField(label=_("Yêu cầu"), widget=forms.Textarea(attrs={"rows": 2}))
    clean_due = ReportingReviewForm.clean_due


class EventForm(GuardedModelForm):
    class Meta:
        model = PlanEvent
        fields = ["kind", "title", "date", "end_date", "place"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


class ResponsibilityForm(GuardedForm):
    agency = forms.CharField(label=_("Cơ quan"), max_length=300)
    duties = forms.CharField(
        label=_("Nhiệm vụ (mỗi nhiệm vụ một dòng)"), widget=forms.Textarea(attrs={"rows": 3})
    )


class TaskForm(GuardedForm):
    status = forms.ChoiceField(label=_("Tình trạng"), choices=TaskStatus.choices)
    note = forms.CharField(
        label=_("Ghi chú, kết quả"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    evidence_url = forms.URLField(
        label=_("Đường dẫn minh chứng"), required=False, assume_scheme="https"
    )
