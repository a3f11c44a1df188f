from django.urls import path

from gbvms.referrals import views

app_name = "referrals"
urlpatterns = [
    path("inbox/", views.referral_inbox, name="inbox"),
    path("new/<str:code>/", views.referral_new, name="new"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.referral_act, name="act"),
    path("directory/", views.directory, name="directory"),
    path("directory/new/", views.provider_edit, name="provider_new"),
    path("directory/<int:pk>/edit/", views.provider_edit, name="provider_edit"),
    path("directory/export.<str:fmt>", views.directory_export, name="directory_export"),
    path("directory/import/", views.directory_import, name="directory_import"),
    path("stats/", views.stats, name="stats"),
    path("help-requests/", views.help_inbox, name="help_inbox"),
    path("help-requests/<int:pk>/", views.help_detail, name="help_detail"),
]
