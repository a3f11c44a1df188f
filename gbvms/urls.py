from django.contrib import admin
from django.urls import include, path

from gbvms.api.api import api
from gbvms.core import views as core_views

urlpatterns = [
    path("", include("gbvms.core.urls")),
    path("units/", include("gbvms.geo.urls")),
    path("manage/", include("gbvms.orgs.urls")),
    path("cases/", include("gbvms.cases.urls")),
    path("plans/", include("gbvms.plans.urls")),
    path("referrals/", include("gbvms.referrals.urls")),
    path("indicators/", include("gbvms.indicators.urls")),
    path("programme/", include("gbvms.programme.urls")),
    path("reports/", include("gbvms.reports.urls")),
    path("help/", include("gbvms.referrals.urls_public")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]

handler400 = core_views.error_400
handler403 = core_views.error_403
handler404 = core_views.error_404
handler500 = core_views.error_500
