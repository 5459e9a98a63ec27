from django.urls import path

from . import views

app_name = "schools"

urlpatterns = [
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/<int:pk>/remove/", views.remove_membership, name="remove_membership"),
]
