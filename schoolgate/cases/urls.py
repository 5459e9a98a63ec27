from django.urls import path

from . import export_views, letter_views, screenshot_views, views

app_name = "cases"

urlpatterns = [
    path("<slug:slug>/cases/", views.case_list, name="list"),
    path("<slug:slug>/cases/new/", views.open_view, name="open"),
    path("<slug:slug>/cases/from-review/<int:item_pk>/", views.open_from_review, name="open_from_review"),
    path("<slug:slug>/cases/<int:pk>/", views.detail, name="detail"),
    path("<slug:slug>/cases/<int:pk>/evidence/<str:kind>/", views.add_evidence, name="add_evidence"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/file/", views.evidence_file, name="evidence_file"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/judge/", views.rejudge, name="rejudge"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/", screenshot_views.evidence_detail, name="evidence_detail"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/image/", screenshot_views.evidence_image, name="evidence_image"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/correct/", screenshot_views.correct, name="screenshot_correct"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/reveal/", screenshot_views.reveal, name="screenshot_reveal"),
    path("<slug:slug>/cases/<int:pk>/evidence-item/<int:eid>/read-again/", screenshot_views.read_again, name="screenshot_read_again"),
    path("<slug:slug>/cases/<int:pk>/evidence-pack/", export_views.case_export, {"what": "evidence-pack"}, name="evidence_pack"),
    path("<slug:slug>/cases/<int:pk>/documents/<slug:what>/", export_views.case_export, name="case_export"),
    path("<slug:slug>/cases/documents/<int:job_pk>/progress/", export_views.job_progress, name="job_progress"),
    path("<slug:slug>/cases/documents/<int:job_pk>/download/", export_views.job_download, name="job_download"),
    path("<slug:slug>/cases/documents/<int:job_pk>/retry/", export_views.job_retry, name="job_retry"),
    path("<slug:slug>/cases/<int:pk>/assess/", views.assess, name="assess"),
    path("<slug:slug>/cases/<int:pk>/steps/<slug:step_id>/", views.step, name="step"),
    path("<slug:slug>/cases/<int:pk>/steps/<slug:step_id>/letter/", views.letter_new, name="letter_new"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/", views.letter, name="letter"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/preview/", views.letter_preview, name="letter_preview"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/check/", letter_views.letter_check, name="letter_check"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/send/", letter_views.letter_send, name="letter_send"),
    path("<slug:slug>/cases/<int:pk>/letters/<int:lid>/sent/", letter_views.letter_sent, name="letter_sent"),
    path("<slug:slug>/cases/<int:pk>/notes/", views.note, name="note"),
    path("<slug:slug>/cases/<int:pk>/staff/", views.staff_access, name="staff_access"),
    path("<slug:slug>/cases/<int:pk>/deadlines/<int:did>/met/", views.deadline_met, name="deadline_met"),
    path("<slug:slug>/cases/<int:pk>/close/", views.close, name="close"),
    path("<slug:slug>/cases/<int:pk>/chronology/", views.chronology, name="chronology"),
    path("<slug:slug>/cases/parent/<int:person_pk>/", views.parent_chronology, name="parent"),
    path("<slug:slug>/cases/parent/<int:person_pk>/export/", export_views.parent_export, name="parent_export"),
    path("<slug:slug>/cases/parent/<int:person_pk>/documents/<slug:what>/", export_views.parent_export, name="parent_export_kind"),
]
