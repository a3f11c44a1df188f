"""Forms of the report pages. They parse and bound the input; the services decide (states,
reasons, permissions) and their errors are put back on these forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gbvms.core.forms_util import GuardedForm, guard_field
from gbvms.reports.models import Status
from gbvms.reports.services_submissions import MAX_REASON, MAX_TEXT

ROLE_CHOICES = [("submitter", _("Báo cáo của đơn vị")), ("recipient", _("Báo cáo cần xem xét"))]


class ListFilterForm(GuardedForm):
    period = forms.ChoiceField(label=_("Kỳ báo cáo"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả trạng thái")), *Status.choices],
    )

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = periods


def _textarea(rows: int = 6) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class SectionsForm(GuardedForm):
    """One text area per section of the report's outline, and the version it was read at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, sections: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section_keys = [s["key"] for s in sections]
        for section in sections:
            field = forms.CharField(
                label=section["title"],
                required=False,
                strip=False,
                max_length=MAX_TEXT,
                initial=section.get("text", ""),
                widget=_textarea(),
            )
            guard_field(field)  # added after GuardedForm bounded the declared fields
            self.fields[f"s_{section['key']}"] = field

    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"s_{key}"] for key in self.section_keys]

    def sections(self) -> list[dict[str, str]]:
        return [{"key": k, "text": self.cleaned_data.get(f"s_{k}", "")} for k in self.section_keys]


class ReasonForm(GuardedForm):
    reason = forms.CharField(
        label=_("Lý do"),
        max_length=MAX_REASON,
        widget=_textarea(3),
        error_messages={"required": _("Cần nêu lý do.")},
    )


class ReturnForm(ReasonForm):
    """A reason (required) and an optional note per section."""

    def __init__(self, *args: Any, sections: list[dict[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do trả lại")
        self.section_keys = [s["key"] for s in sections]
        for section in sections:
            field = forms.CharField(
                label=_("Ghi chú cho mục %(title)s") % {"title": section["title"]},
                required=False,
                max_length=MAX_REASON,
                widget=_textarea(2),
            )
            guard_field(field)
            self.fields[f"n_{section['key']}"] = field

    def notes(self) -> dict[str, str]:
        found = {k: self.cleaned_data.get(f"n_{k}", "").strip() for k in self.section_keys}
        return {k: v for k, v in found.items() if v}


class MissingForm(ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Lý do thiếu báo cáo")


class YearForm(GuardedForm):
    year = forms.IntegerField(label=_("Năm"), min_value=2000, max_value=2100)


class CompletenessForm(GuardedForm):
    requirement = forms.ChoiceField(label=_("Yêu cầu báo cáo"))
    period = forms.ChoiceField(label=_("Kỳ báo cáo"))
    unit = forms.ChoiceField(label=_("Đơn vị nhận báo cáo"))

    def __init__(
        self,
        *args: Any,
        requirements: list[tuple[str, str]],
        periods: list[tuple[str, str]],
        units: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = requirements
        self.fields["period"].choices = periods
        self.fields["unit"].choices = units
