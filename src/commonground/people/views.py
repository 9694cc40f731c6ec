"""People pages: users, memberships, training courses and records — and each user's home page."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.views.generic import TemplateView

from commonground.ecosystem.models import DataFlow
from commonground.governance.training import training_gaps
from commonground.people import actions
from commonground.people.choices import ROLE_DESCRIPTIONS, Role
from commonground.people.forms import MembershipForm, TrainingCourseForm, TrainingRecordForm, UserCreateForm
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User
from commonground.people.permissions import is_steward, may_see_person
from commonground.people.tables import MembershipTable, TrainingCourseTable, TrainingRecordTable, UserTable
from commonground.utilities.views import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    StewardObjectListView,
)


class OwnOrStewardMixin:
    """Detail pages about a person: the person themselves and stewards only.

    Anyone else gets "not found", the same answer as for a missing id, so a refusal leaks nothing.
    """

    owner_field = "user_id"
    request: Any

    def get_object(self, queryset: QuerySet[Any] | None = None) -> Model:
        obj = super().get_object(queryset)  # type: ignore[misc]
        if not may_see_person(self.request.user, getattr(obj, self.owner_field)):
            raise Http404("No such page.")
        return obj


# Users --------------------------------------------------------------------------------------------------


class UserListView(StewardObjectListView):
    """Every user (stewards only)."""

    model = User
    table_class = UserTable
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    title = "People"
    intro = "Everyone who can sign in to the hub."
    create_url_name = "people:user_create"


class UserDetailView(OwnOrStewardMixin, ObjectDetailView):
    """A user's memberships and training."""

    model = User
    owner_field = "pk"
    context_object_name = "person"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        person = self.object
        context["memberships"] = person.memberships.select_related("organization")
        context["training"] = person.training_records.select_related("course")
        context["today"] = timezone.localdate()
        return context


class UserCreateView(ObjectEditView):
    """Create a user (stewards only)."""

    model = User
    form_class = UserCreateForm

    def save(self, form: Any) -> Model:
        return actions.do_create_user(acting_user=self.request.user, **form.cleaned_data)


# Memberships --------------------------------------------------------------------------------------------


class MembershipListView(StewardObjectListView):
    """Every membership (stewards only)."""

    model = Membership
    queryset = Membership.objects.select_related("user", "organization")
    table_class = MembershipTable
    search_fields = ("user__username", "user__display_name", "organization__name", "title")
    kind_field = "role"
    kind_label = "Role"
    title = "Memberships"
    intro = "Who holds which role in which organization."
    create_url_name = "people:membership_create"


class MembershipDetailView(OwnOrStewardMixin, ObjectDetailView):
    """One membership."""

    model = Membership
    queryset = Membership.objects.select_related("user", "organization")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["role_description"] = ROLE_DESCRIPTIONS.get(self.object.role, "")
        context["is_active_now"] = Membership.objects.active().filter(pk=self.object.pk).exists()
        return context


class MembershipCreateView(ObjectEditView):
    """Give a user a role (stewards only)."""

    model = Membership
    form_class = MembershipForm

    def save(self, form: Any) -> Model:
        return actions.do_add_membership(acting_user=self.request.user, **form.cleaned_data)


# Training -----------------------------------------------------------------------------------------------


class CourseListView(ObjectListView):
    """Every training course (anyone signed in)."""

    model = TrainingCourse
    table_class = TrainingCourseTable
    search_fields = ("name", "slug", "description")
    title = "Training courses"
    intro = "Courses people complete before they may see some data. A completion lasts for a set time."
    create_url_name = "people:course_create"


class CourseDetailView(ObjectDetailView):
    """A course; stewards also see who completed it."""

    model = TrainingCourse

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if is_steward(self.request.user):
            context["records"] = self.object.records.select_related("user")
        context["today"] = timezone.localdate()
        return context


class CourseCreateView(ObjectEditView):
    """Register a course (stewards only)."""

    model = TrainingCourse
    form_class = TrainingCourseForm

    def save(self, form: Any) -> Model:
        return actions.do_create_course(acting_user=self.request.user, **form.cleaned_data)


class TrainingListView(StewardObjectListView):
    """Every training record (stewards only)."""

    model = TrainingRecord
    queryset = TrainingRecord.objects.select_related("user", "course")
    table_class = TrainingRecordTable
    search_fields = ("user__username", "user__display_name", "course__name")
    title = "Training records"
    intro = "Completed courses and when they expire."
    create_url_name = "people:training_create"


class TrainingDetailView(OwnOrStewardMixin, ObjectDetailView):
    """One training record."""

    model = TrainingRecord
    queryset = TrainingRecord.objects.select_related("user", "course")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["is_current"] = self.object.is_current(timezone.localdate())
        return context


class TrainingCreateView(ObjectEditView):
    """Record a completed course (stewards only)."""

    model = TrainingRecord
    form_class = TrainingRecordForm

    def save(self, form: Any) -> Model:
        return actions.do_record_training(acting_user=self.request.user, **form.cleaned_data)


# Home ---------------------------------------------------------------------------------------------------


class HomeView(LoginRequiredMixin, TemplateView):
    """The signed-in user's start page: memberships, next steps for each role, training status."""

    template_name = "people/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = cast(User, self.request.user)
        today = timezone.localdate()
        memberships = list(user.memberships.select_related("organization"))
        active = set(Membership.objects.active(today).filter(user=user).values_list("pk", flat=True))
        roles = {m.role for m in memberships if m.pk in active}
        lead_orgs = [m.organization for m in memberships if m.pk in active and m.role == Role.DATA_LEAD]
        records = list(TrainingRecord.objects.filter(user=user).select_related("course"))
        latest: dict[int, TrainingRecord] = {}
        for record in records:  # newest completion first (the model's order)
            latest.setdefault(record.course_id, record)
        expired = [r for r in latest.values() if r.expires_on <= today]
        context.update(
            today=today,
            memberships=[(m, m.pk in active) for m in memberships],
            steward=is_steward(user),
            roles=roles,
            Role=Role,
            lead_orgs=[
                {
                    "org": org,
                    "systems": org.systems.all(),
                    "flows": DataFlow.objects.filter(
                        Q(source__organization=org) | Q(target__organization=org)
                    ).select_related("source__organization", "target__organization"),
                }
                for org in lead_orgs
            ],
            training=[(r, r.is_current(today)) for r in records],
            expired=sorted(expired, key=lambda r: r.expires_on),
            # Principle 7: the training that agreements in force require of this user, missing or expired.
            training_gaps=training_gaps(user),
        )
        return context
