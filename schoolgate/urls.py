from django.contrib.auth import views as auth_views
from django.urls import include, path

from schoolgate.accounts import LoginView, PasswordResetView
from schoolgate.schools.views import home

urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("", include("schoolgate.policies.urls")),
    path("", include("schoolgate.consent.urls")),
    path("", include("schoolgate.channel.urls")),
    path("", include("schoolgate.cases.urls")),
    path("", include("schoolgate.chats.urls")),
    path("", include("schoolgate.policies.judge_urls")),
    # School-scoped app URLs (`/<slug>/...`) go before the catch-all school dashboard.
    path("", include("schoolgate.schools.urls")),
]
