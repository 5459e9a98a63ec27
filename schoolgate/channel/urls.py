"""The school channel's URLs; every path is school-scoped."""

from django.urls import path

from . import views

app_name = "channel"

urlpatterns = [
    path("<slug:slug>/channel/", views.home, name="home"),
    path("<slug:slug>/channel/posts/new/", views.post_new, name="post_new"),
    path("<slug:slug>/channel/posts/<int:pk>/", views.post_detail, name="post"),
    path("<slug:slug>/channel/posts/<int:pk>/image/", views.post_image, name="post_image"),
    path("<slug:slug>/channel/posts/<int:pk>/original/", views.post_original, name="post_original"),
    path("<slug:slug>/channel/posts/<int:pk>/photo-check/", views.photo_check, name="photo_check"),
    path("<slug:slug>/channel/posts/<int:pk>/photo-check/confirm/", views.photo_check_confirm, name="photo_check_confirm"),
    path("<slug:slug>/channel/posts/<int:pk>/comment/", views.comment, name="comment"),
    path("<slug:slug>/channel/posts/<int:pk>/rephrase/", views.post_rephrase, name="post_rephrase"),
    path("<slug:slug>/channel/comments/<int:pk>/rephrase/", views.comment_rephrase, name="comment_rephrase"),
    path("<slug:slug>/channel/check/", views.check, name="check"),
    path("<slug:slug>/channel/notifications/", views.notifications, name="notifications"),
    path("<slug:slug>/channel/restrictions/", views.restrictions, name="restrictions"),
    path("<slug:slug>/channel/restrictions/<int:pk>/lift/", views.restriction_lift, name="restriction_lift"),
    path("<slug:slug>/channel/posters/", views.posters, name="posters"),
    path("<slug:slug>/queue/", views.queue, name="queue"),
    path("<slug:slug>/queue/<int:pk>/", views.item, name="item"),
    path("<slug:slug>/queue/<int:pk>/decide/", views.decide, name="decide"),
    path("<slug:slug>/concerns/", views.concerns, name="concerns"),
    path("<slug:slug>/concerns/new/", views.concern_new, name="concern_new"),
    path("<slug:slug>/concerns/<int:pk>/", views.concern, name="concern"),
    path("<slug:slug>/online-safety/", views.online_safety, name="online_safety"),
]
