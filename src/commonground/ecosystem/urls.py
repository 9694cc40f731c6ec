"""Ecosystem routes: organizations (by slug), systems and flows (by id), and the map."""

from django.urls import path

from commonground.ecosystem import views

app_name = "ecosystem"
urlpatterns = [
    path("", views.MapView.as_view(), name="map"),
    path("organizations/", views.OrganizationListView.as_view(), name="organization_list"),
    path("organizations/new/", views.OrganizationEditView.as_view(), name="organization_create"),
    path("organizations/<slug:slug>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("organizations/<slug:slug>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("systems/", views.SystemListView.as_view(), name="system_list"),
    path("systems/new/", views.SystemEditView.as_view(), name="system_create"),
    path("systems/<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("systems/<int:pk>/edit/", views.SystemEditView.as_view(), name="system_edit"),
    path("flows/", views.FlowListView.as_view(), name="flow_list"),
    path("flows/new/", views.FlowEditView.as_view(), name="flow_create"),
    path("flows/<int:pk>/", views.FlowDetailView.as_view(), name="flow_detail"),
    path("flows/<int:pk>/edit/", views.FlowEditView.as_view(), name="flow_edit"),
]
