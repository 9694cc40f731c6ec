"""Top-level (not namespaced) routes: ``login``, ``logout`` and ``home``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from commonground.people.views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path(
        "sign-in/",
        auth_views.LoginView.as_view(template_name="people/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),  # POST only (Django 5)
]
