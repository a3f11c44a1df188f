from django.urls import path

from gbvms.cases import views, views_care, views_legal, views_measures, views_transfer

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("follow-ups/overdue/", views_care.overdue, name="overdue"),
    path("break-glass/", views_care.break_glass, name="break_glass"),
    path("transfers/", views_transfer.inbox, name="transfers"),
    path("transfers/<int:pk>/decide/", views_transfer.decide, name="transfer_decide"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/classify/", views.case_classify, name="classify"),
    path("<str:code>/form/<slug:name>/", views_care.case_form, name="form"),
    path("<str:code>/risk/", views_care.risk, name="risk"),
    path("<str:code>/safety-plan/", views_care.safety_plan, name="safety_plan"),
    path("<str:code>/needs/", views_care.need, name="need"),
    path("<str:code>/services/", views_care.service, name="service"),
    path("<str:code>/follow-ups/", views_care.follow_up, name="follow_up"),
    path("<str:code>/follow-ups/<int:pk>/done/", views_care.follow_up_done, name="follow_up_done"),
    path("<str:code>/close/", views_care.close, name="close"),
    path("<str:code>/reopen/", views_care.reopen, name="reopen"),
    path("<str:code>/transfer/", views_transfer.transfer_request, name="transfer"),
    path("<str:code>/measures/", views_measures.measure_request, name="measure"),
    path(
        "<str:code>/measures/<int:pk>/decide/", views_measures.measure_decide, name="measure_decide"
    ),
    path("<str:code>/interventions/", views_measures.intervention, name="intervention"),
    path("<str:code>/child-timeline/", views_measures.child_step, name="child_step"),
    path("<str:code>/consents/", views_legal.consent, name="consent"),
    path(
        "<str:code>/consents/<int:pk>/withdraw/",
        views_legal.consent_withdraw,
        name="consent_withdraw",
    ),
    path("<str:code>/legal/", views_legal.legal, name="legal"),
    path("<str:code>/report/", views_legal.report, name="report"),
]
