from django.urls import path

from gbvms.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("<str:code>/", views.case_detail, name="detail"),
    path("<str:code>/classify/", views.case_classify, name="classify"),
]
