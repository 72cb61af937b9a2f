"""/accounts/: Django's authentication views with Regia's forms; citizens' registration and
their own data."""

from django.contrib.auth import views as auth_views
from django.urls import path

from portal.views import accounts

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", accounts.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # -- citizens: registration, e-mail verification, their own data --
    path("register/", accounts.register, name="register"),
    path("register/sent/", accounts.register_done, name="register_done"),
    path("verify/resend/", accounts.verify_resend, name="verify_resend"),
    path("verify/<str:token>/", accounts.verify, name="verify"),
    path("privacy/", accounts.privacy_notice, name="privacy_notice"),
    path("data/", accounts.my_data, name="my_data"),
    path("data/download/", accounts.my_data_download, name="my_data_download"),
    path("delete/", accounts.account_delete, name="account_delete"),
]
