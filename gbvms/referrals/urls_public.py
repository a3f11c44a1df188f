from django.urls import path

from gbvms.referrals import views_public

app_name = "public"
urlpatterns = [
    path("", views_public.home, name="home"),
    path("hotlines/", views_public.hotlines, name="hotlines"),
    path("safety/", views_public.safety, name="safety"),
    path("request/", views_public.help_request, name="request"),
    path("status/", views_public.help_status, name="status"),
]
