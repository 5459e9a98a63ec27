from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("<slug:slug>/policy/", views.public, name="public"),
    path("<slug:slug>/policies/", views.staff, name="staff"),
    path("<slug:slug>/policies/review/", views.start_review, name="start_review"),
    path("<slug:slug>/policies/<int:pk>/draft/", views.draft, name="draft"),
    path("<slug:slug>/policies/<int:pk>/publish/", views.publish_view, name="publish"),
    path("<slug:slug>/policies/<int:pk>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("<slug:slug>/policies/<int:pk>/remind/", views.remind, name="remind"),
]
