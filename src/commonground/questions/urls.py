"""Routes of the question catalog."""

from django.urls import path

from commonground.questions.views import catalog, dashboard, dashboard_pack, releases, review

app_name = "questions"
urlpatterns = [
    path("", catalog.QuestionListView.as_view(), name="list"),
    path("propose/", catalog.ProposeView.as_view(), name="propose"),
    path("<slug:slug>/", catalog.QuestionDetailView.as_view(), name="detail"),
    path("<slug:slug>/edit/", catalog.EditView.as_view(), name="edit"),
    path("<slug:slug>/review/", review.ReviewView.as_view(), name="review"),
    path("<slug:slug>/publish/", review.PublishView.as_view(), name="publish"),
    path("<slug:slug>/retire/", review.RetireView.as_view(), name="retire"),
    path("<slug:slug>/releases/<int:version>/", releases.ReleaseDetailView.as_view(), name="release"),
    path("<slug:slug>/releases/<int:version>.csv", releases.ReleaseCsvView.as_view(), name="release_csv"),
    path("<slug:slug>/dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("<slug:slug>/evidence.<str:fmt>", dashboard_pack.EvidencePackView.as_view(), name="evidence"),
]
