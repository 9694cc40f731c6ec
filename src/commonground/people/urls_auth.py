"""Top-level (not namespaced) routes: ``home``, sign-in and sign-out, the second factor, password change."""

from django.contrib.auth import views as auth_views
from django.urls import path

from commonground.people.account_views import PasswordChangeView
from commonground.people.two_factor import TwoFactorSetupView, TwoFactorView
from commonground.people.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="people/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
    path("two-factor/", TwoFactorView.as_view(), name="two_factor"),
    path("two-factor/setup/", TwoFactorSetupView.as_view(), name="two_factor_setup"),
    path("account/password/", PasswordChangeView.as_view(), name="password_change"),
]
