from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api import profile_views
from wellbeing import views as wellbeing_views
from wellbeing.access import public_view, signed_in_view
from wellbeing.forms import ChangePasswordForm, SignInForm

sign_in = auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True)
change_password = auth_views.PasswordChangeView.as_view(form_class=ChangePasswordForm)

urlpatterns = [
    path("", wellbeing_views.home, name="home"),
    path("accessibility/", wellbeing_views.accessibility, name="accessibility"),
    path("healthz/", wellbeing_views.healthz, name="healthz"),
    # /accounts/
    path("accounts/login/", public_view(methods=("GET", "POST"))(sign_in), name="login"),
    path("accounts/logout/", public_view(methods=("POST",))(auth_views.LogoutView.as_view()), name="logout"),
    path("accounts/signed-out/", wellbeing_views.signed_out, name="signed_out"),
    path("accounts/password/", signed_in_view(methods=("GET", "POST"))(change_password), name="password_change"),
    path(
        "accounts/password/done/",
        signed_in_view()(auth_views.PasswordChangeDoneView.as_view()),
        name="password_change_done",
    ),
    path("accounts/profile/", profile_views.profile, name="profile"),
    path("accounts/profile/tokens/", profile_views.token_create, name="token_create"),
    path("accounts/profile/tokens/revoke/", profile_views.token_revoke, name="token_revoke"),
    # /api/v1/: the read API (api/urls.py)
    path("api/v1/", include("api.urls")),
    path("", include("wellbeing.urls")),
    path("", include("partnerships.urls")),
    path("", include("interventions.urls")),
    path("admin/", admin.site.urls),
]
