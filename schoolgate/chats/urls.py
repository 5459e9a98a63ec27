from django.urls import path

from . import views

app_name = "chats"

urlpatterns = [
    path("<slug:slug>/chats/", views.scan_list, name="list"),
    path("<slug:slug>/chats/new/", views.upload, name="upload"),
    path("<slug:slug>/chats/<int:pk>/", views.detail, name="detail"),
    path("<slug:slug>/chats/<int:pk>/progress/", views.progress, name="progress"),
    path("<slug:slug>/chats/<int:pk>/resume/", views.resume, name="resume"),
    path("<slug:slug>/chats/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/chats/<int:pk>/participants/<int:participant_pk>/reveal/", views.reveal, name="reveal"),
    path("<slug:slug>/chats/<int:pk>/findings/<int:finding_pk>/case/", views.open_case, name="open_case"),
    path("<slug:slug>/chats/<int:pk>/closure/", views.closure, name="closure"),
    path("<slug:slug>/chats/<int:pk>/closure/<int:letter_pk>.pdf", views.closure_pdf, name="closure_pdf"),
]
