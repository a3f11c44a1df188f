from django.urls import path

from gbvms.cases import (
    views,
    views_assign,
    views_care,
    views_notes,
    views_notifications,
    views_transfer,
)

app_name = "cases"

# The case page's actions (see actions.py): URL under /cases/<code>/ -> action name.
ACTION_PATHS = {
    "risk/": "risk",
    "safety-plan/": "plan",
    "needs/": "need",
    "services/": "service",
    "follow-ups/": "follow_up",
    "follow-ups/<int:pk>/done/": "follow_up_done",
    "close/": "close",
    "reopen/": "reopen",
    "transfer/": "transfer",
    "measures/": "measure",
    "measures/<int:pk>/decide/": "measure_decide",
    "interventions/": "intervention",
    "child-timeline/": "child",
    "consents/": "consent",
    "consents/<int:pk>/withdraw/": "consent_withdraw",
    "perpetrators/": "perpetrator",
    "legal/": "legal",
    "report/": "report",
}

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("new/done/", views.case_intake_done, name="intake_done"),
    path("follow-ups/overdue/", views_care.overdue, name="overdue"),
    path("notifications/", views_notifications.notifications, name="notifications"),
    path("notifications/read/", views_notifications.notifications_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        views_notifications.notification_preferences,
        name="notification_preferences",
    ),
    path(
        "notifications/<int:pk>/open/",
        views_notifications.notification_open,
        name="notification_open",
    ),
    path("break-glass/", views_care.break_glass, name="break_glass"),
    path("caseload/", views_assign.caseload, name="caseload"),
    path(
        "closures/<int:pk>/approve/",
        views_assign.closure_decide,
        {"decision": "approve"},
        name="closure_approve",
    ),
    path(
        "closures/<int:pk>/return/",
        views_assign.closure_decide,
        {"decision": "return"},
        name="closure_return",
    ),
    path("<str:code>/assign/", views_assign.assign, name="assign"),
    path("<str:code>/pick-up/", views_assign.pick_up, name="pick_up"),
    path("transfers/", views_transfer.inbox, name="transfers"),
    path("transfers/<int:pk>/decide/", views_transfer.decide, name="transfer_decide"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/classify/", views.case_classify, name="classify"),
    path("<str:code>/print/", views.case_print, name="print"),
    path("<str:code>/export/", views.case_export, name="export"),
    path("<str:code>/form/<slug:name>/", views_care.case_form, name="form"),
    *[
        path(f"<str:code>/{route}", views_care.case_post, {"name": name}, name=name)
        for route, name in ACTION_PATHS.items()
    ],
    *views_notes.urlpatterns,  # the case file: notes, narrative, survivor details
]
