from django.urls import path

from gbvms.plans import views, views_edit, views_training

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("import/", views.plan_import, name="import"),
    path("import/<int:pk>/", views.plan_review, name="review"),
    path("new/", views_edit.plan_edit, name="create"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("tasks/<int:pk>/update/", views.task_update, name="task_update"),
    path("agencies/<int:pk>/tasks/", views.agency_tasks, name="agency_tasks"),
    path("agencies/<int:pk>/calendar.ics", views.agency_ics, name="agency_ics"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views_edit.plan_edit, name="edit"),
    path("<int:pk>/source/", views.plan_source, name="source"),
    path(
        "<int:pk>/training-requirements/new/",
        views_training.requirement_edit,
        name="training_requirement_new",
    ),
    path(
        "<int:pk>/training-requirements/<int:req_pk>/edit/",
        views_training.requirement_edit,
        name="training_requirement_edit",
    ),
    path(
        "<int:pk>/training-requirements/<int:req_pk>/delete/",
        views_training.requirement_delete,
        name="training_requirement_delete",
    ),
    path("<int:pk>/<slug:kind>/new/", views_edit.item_edit, name="item_new"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/edit/", views_edit.item_edit, name="item_edit"),
    path("<int:pk>/<slug:kind>/<int:item_pk>/delete/", views_edit.item_delete, name="item_delete"),
]
