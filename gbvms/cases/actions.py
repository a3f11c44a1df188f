"""The case page's actions: for each, its form, the one service it calls, and what to say.

One POST view (``views_care.case_post``) serves them all, so every action fetches the case the
same way (need-to-know, logged), detects stale forms the same way and shows errors in place.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gbvms.cases import (
    services,
    services_assign,
    services_care,
    services_measures,
    services_transfer,
)
from gbvms.cases.forms_actions import (
    ChildStepForm,
    ConsentForm,
    InterventionForm,
    LegalForm,
    MeasureDecideForm,
    MeasureRequestForm,
    PerpetratorForm,
    ReportForm,
    RiskAnswersForm,
    TransferForm,
)
from gbvms.cases.forms_care import (
    CloseForm,
    FollowUpForm,
    NeedForm,
    ReopenForm,
    SafetyPlanForm,
    ServiceForm,
)
from gbvms.cases.models import Case, Consent, FollowUp, ProtectiveMeasure


@dataclass(frozen=True)
class Action:
    form: Callable[[Any, Case], forms.Form]  # (POST data or None, case) -> form
    service: Callable[..., Any]
    done: Any
    button: Any = None  # None: "Lưu" (save)
    # (model, keyword): the record of the case named by the URL's pk; default: the case itself
    target: tuple[type[Any], str] | None = None
    slot: bool = True  # shown on the case page in a <details> that loads the form on demand
    # an edit of existing state (it overwrites or ends something): the form must carry the
    # case version it was loaded at; an addition (a new record beside the others) is checked
    # when it carries one. Either way the service bumps the version (changes.case_touch).
    edit: bool = False
    done_request: Any = None  # what to say when the service sent a request instead (closure)


def _plan_form(data: Any, case: Case) -> forms.Form:
    plan = getattr(case, "safety_plan", None) if data is None else None
    initial = {f: getattr(plan, f) for f in SafetyPlanForm.base_fields} if plan else None
    return SafetyPlanForm(data, initial=initial)


ACTIONS: dict[str, Action] = {
    "risk": Action(lambda d, c: RiskAnswersForm(d), services_care.risk_assess,
                   _("Đã lưu đánh giá rủi ro."), _("Lưu đánh giá"), edit=True),
    "plan": Action(_plan_form, services_care.safety_plan_save, _("Đã lưu kế hoạch an toàn."),
                   _("Lưu kế hoạch an toàn"), edit=True),
    "need": Action(lambda d, c: NeedForm(d), services_care.need_set,
                   _("Đã cập nhật kế hoạch hỗ trợ."), edit=True),
    "service": Action(lambda d, c: ServiceForm(d, case=c), services_care.service_record,
                      _("Đã ghi nhận dịch vụ."), _("Ghi nhận")),
    "follow_up": Action(lambda d, c: FollowUpForm(d), services_care.follow_up_add,
                        _("Đã thêm lịch theo dõi."), _("Thêm")),
    "follow_up_done": Action(lambda d, c: forms.Form(d), services_care.follow_up_done,
                             _("Đã hoàn thành lần theo dõi."),
                             target=(FollowUp, "follow_up"), slot=False, edit=True),
    "close": Action(lambda d, c: CloseForm(d, initial={"version": c.version}),
                    services_assign.case_close_or_request, _("Đã đóng vụ việc."),
                    _("Đóng vụ việc"), edit=True,
                    done_request=_("Đã gửi đề nghị đóng vụ việc tới người giám sát.")),
    "reopen": Action(lambda d, c: ReopenForm(d), services_care.case_reopen,
                     _("Đã mở lại vụ việc."), _("Mở lại"), edit=True),
    "transfer": Action(lambda d, c: TransferForm(d, case=c), services_transfer.transfer_request,
                       _("Đã gửi yêu cầu chuyển giao."), _("Gửi yêu cầu")),
    "measure": Action(lambda d, c: MeasureRequestForm(d), services_measures.measure_request,
                      _("Đã ghi nhận đề nghị."), _("Ghi nhận")),
    "measure_decide": Action(lambda d, c: MeasureDecideForm(d), services_measures.measure_decide,
                             _("Đã ghi nhận quyết định."),
                             target=(ProtectiveMeasure, "measure"), slot=False, edit=True),
    "intervention": Action(lambda d, c: InterventionForm(d), services_measures.intervention_record,
                           _("Đã ghi nhận biện pháp với người gây bạo lực."), _("Ghi nhận")),
    "child": Action(lambda d, c: ChildStepForm(d), services_measures.child_step_record,
                    _("Đã ghi nhận."), edit=True),
    "consent": Action(lambda d, c: ConsentForm(d, case=c), services.consent_give,
                      _("Đã ghi nhận sự đồng ý."), _("Ghi nhận")),
    "consent_withdraw": Action(lambda d, c: forms.Form(d), services.consent_withdraw,
                               _("Đã ghi nhận việc rút lại sự đồng ý."),
                               target=(Consent, "consent"), slot=False, edit=True),
    "perpetrator": Action(lambda d, c: PerpetratorForm(d), services.perpetrator_add,
                          _("Đã thêm người gây bạo lực."), _("Thêm")),
    "legal": Action(lambda d, c: LegalForm(d), services.incident_legal_set,
                    _("Đã lưu hành vi và bối cảnh."), edit=True),
    "report": Action(lambda d, c: ReportForm(d), services.report_record,
                     _("Đã lưu thông tin tiếp nhận tin báo."), edit=True),
}  # fmt: skip

SLOTS = [name for name, action in ACTIONS.items() if action.slot]
