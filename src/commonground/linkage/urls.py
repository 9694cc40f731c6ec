"""Linkage routes: the review queue and the registry pages (hub stewards)."""

from django.urls import path

from commonground.linkage import views

app_name = "linkage"
urlpatterns = [
    path("review/", views.ReviewListView.as_view(), name="review_list"),
    path("review/<int:pk>/", views.ReviewItemView.as_view(), name="review_item"),
    path("people/<str:hub_id>/", views.HubPersonView.as_view(), name="person"),
]
