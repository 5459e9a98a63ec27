from django.urls import path

from . import judge_views

app_name = "judge"

urlpatterns = [
    path("<slug:slug>/judge/", judge_views.try_judge, name="try"),
]
