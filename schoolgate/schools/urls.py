from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
]
