from django.urls import path

from gbvms.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<str:code>/", views.indicator_page, name="indicator"),
    # targets
    # export
]
