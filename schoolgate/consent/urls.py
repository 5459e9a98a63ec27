"""The consent register's URLs; every path is school-scoped."""

from django.urls import path

from . import views

app_name = "consent"

urlpatterns = [
    path("<slug:slug>/consent/", views.register, name="register"),
    path("<slug:slug>/consent/renewal/", views.renewal, name="renewal"),
    path("<slug:slug>/consent/pupils/<int:pk>/", views.pupil, name="pupil"),
    path("<slug:slug>/consent/pupils/<int:pk>/record/", views.record, name="record"),
    path("<slug:slug>/consent/pupils/<int:pk>/never-publish/", views.never_publish, name="never_publish"),
    path("<slug:slug>/consent/pupils/<int:pk>/never-publish/lift/", views.never_publish_lift, name="never_publish_lift"),
    path("<slug:slug>/consent/import/", views.csv_import, name="import"),
    path("<slug:slug>/consent/export.csv", views.csv_export, name="export"),
    path("<slug:slug>/consent/external/", views.external, name="external"),
    path("<slug:slug>/consent/take-downs/", views.take_downs, name="take_downs"),
    path("<slug:slug>/consent/take-downs/<int:pk>/done/", views.take_down_done, name="take_down_done"),
    path("<slug:slug>/consent/biometrics/", views.biometrics, name="biometrics"),
    path("<slug:slug>/consent/biometrics/dpia/", views.dpia, name="dpia"),
    path("<slug:slug>/consent/biometrics/matching/", views.matching, name="matching"),
    path("<slug:slug>/consent/biometrics/pupils/<int:pk>/", views.biometric, name="biometric"),
    path("<slug:slug>/consent/biometrics/pupils/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("<slug:slug>/consent/year-end/", views.year_end, name="year_end"),
    path("<slug:slug>/my-children/photos/", views.family, name="family"),
    path("<slug:slug>/my-children/photos/answer/", views.family_answer, name="family_answer"),
]
