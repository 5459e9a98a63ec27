from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/roster/imports/<int:job_pk>/", views.roster_import, name="roster_import"),
    path("<slug:slug>/roster/imports/<int:job_pk>/progress/", views.roster_import_progress, name="roster_import_progress"),
    path("<slug:slug>/roster/imports/<int:job_pk>/retry/", views.roster_import_retry, name="roster_import_retry"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/<int:pk>/remove/", views.remove_membership, name="remove_membership"),
]
