from django.urls import path

from gbvms.core import metrics, views, views_auth

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("roles/", views.roles_page, name="roles"),
    path("access-log/", views.access_log, name="access_log"),
    path("account/login/", views_auth.login_view, name="login"),
    path("account/logout/", views_auth.logout_view, name="logout"),
    path("account/verify/", views_auth.twofactor_verify, name="twofactor_verify"),
    path("account/two-factor/", views_auth.twofactor_setup, name="twofactor_setup"),
]
