from django.urls import path

from . import reauth, two_factor_views, views

app_name = "schools"

urlpatterns = [
    # Log-in security (issue 13): the code after the password, enrolment, "confirm it's you", the head's page.
    path("accounts/two-factor/", two_factor_views.code, name="two_factor_code"),
    path("accounts/two-factor/set-up/", two_factor_views.setup, name="two_factor_setup"),
    path("accounts/confirm/", reauth.confirm, name="confirm"),
    path("<slug:slug>/log-in-security/", two_factor_views.login_security, name="login_security"),
    path("<slug:slug>/log-in-security/<int:pk>/reset/", two_factor_views.reset_two_factor, name="two_factor_reset"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
    path("<slug:slug>/roster/", views.roster, name="roster"),
    path("<slug:slug>/roster/imports/<int:job_pk>/", views.roster_import, name="roster_import"),
    path("<slug:slug>/roster/imports/<int:job_pk>/progress/", views.roster_import_progress, name="roster_import_progress"),
    path("<slug:slug>/roster/imports/<int:job_pk>/retry/", views.roster_import_retry, name="roster_import_retry"),
    path("<slug:slug>/audit/", views.audit_log, name="audit"),
    path("<slug:slug>/people/", views.people, name="people"),
    path("<slug:slug>/people/<int:pk>/remove/", views.remove_membership, name="remove_membership"),
]
