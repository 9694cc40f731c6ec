"""Routes of action lists and data requests."""

from django.urls import path

from commonground.actionlists.views import requests, students

app_name = "actionlists"
urlpatterns = [
    path("students/", students.StudentListView.as_view(), name="student_list"),
    path(
        "students/export.csv", students.StudentExportView.as_view(), {"fmt": "csv"}, name="student_export_csv"
    ),
    path(
        "students/export.xlsx",
        students.StudentExportView.as_view(),
        {"fmt": "xlsx"},
        name="student_export_xlsx",
    ),
    path("students/<str:hub_id>/", students.StudentDetailView.as_view(), name="student_detail"),
    path("requests/", requests.RequestListView.as_view(), name="request_list"),
    path("requests/new/", requests.RequestCreateView.as_view(), name="request_create"),
    path("requests/<int:pk>/", requests.RequestDetailView.as_view(), name="request_detail"),
]
