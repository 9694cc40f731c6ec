"""Public and family routes."""

from django.urls import path

from commonground.portal import views

app_name = "portal"

urlpatterns = [
    path("transparency/", views.TransparencyView.as_view(), name="transparency"),
    path("family/", views.FamilyLandingView.as_view(), name="family_landing"),
    path("family/verify/", views.VerifyView.as_view(), name="verify"),
    path("family/home/", views.FamilyHomeView.as_view(), name="family_home"),
    path("family/children/<int:pk>/", views.ChildView.as_view(), name="child"),
    path("family/children/<int:pk>/records.json", views.ChildDownloadView.as_view(), name="child_download"),
    path("family/invitations/new/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path("family/requests/", views.RequestListView.as_view(), name="request_list"),
    path("family/requests/<int:pk>/close/", views.RequestCloseView.as_view(), name="request_close"),
]
