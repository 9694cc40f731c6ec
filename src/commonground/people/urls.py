"""People routes: users, memberships, training courses and records."""

from django.urls import path

from commonground.people import views

app_name = "people"
urlpatterns = [
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserCreateView.as_view(), name="user_create"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("memberships/", views.MembershipListView.as_view(), name="membership_list"),
    path("memberships/new/", views.MembershipCreateView.as_view(), name="membership_create"),
    path("memberships/<int:pk>/", views.MembershipDetailView.as_view(), name="membership_detail"),
    path("training/courses/", views.CourseListView.as_view(), name="course_list"),
    path("training/courses/new/", views.CourseCreateView.as_view(), name="course_create"),
    path("training/courses/<slug:slug>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("training/", views.TrainingListView.as_view(), name="training_list"),
    path("training/new/", views.TrainingCreateView.as_view(), name="training_create"),
    path("training/<int:pk>/", views.TrainingDetailView.as_view(), name="training_detail"),
]
