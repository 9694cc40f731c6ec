"""Tables about people."""

from __future__ import annotations

from commonground.utilities.tables import Column, Table


class UserTable(Table):
    """Users and whether they may sign in."""

    default_sort = "username"
    columns = (
        Column("username", "Username", lambda u: u.username, lambda u: u.get_absolute_url(), ("username",)),
        Column("name", "Name", lambda u: str(u), order_by=("display_name", "last_name", "username")),
        Column("email", "Email", lambda u: u.email, order_by=("email",)),
        Column("active", "Can sign in", lambda u: "Yes" if u.is_active else "No", order_by=("is_active",)),
    )


class MembershipTable(Table):
    """Who holds which role where, and when."""

    columns = (
        Column("user", "Person", lambda m: m.user, lambda m: m.get_absolute_url(), ("user__username",)),
        Column(
            "organization",
            "Organization",
            lambda m: m.organization,
            lambda m: m.organization.get_absolute_url(),
            ("organization__name",),
        ),
        Column("role", "Role", lambda m: m.get_role_display(), order_by=("role",)),
        Column("title", "Title", lambda m: m.title, order_by=("title",)),
        Column("starts", "Starts", lambda m: m.starts_on, order_by=("starts_on",)),
        Column("ends", "Ends", lambda m: m.ends_on or "—", order_by=("ends_on",)),
    )


class TrainingCourseTable(Table):
    """Courses and how long a completion lasts."""

    default_sort = "name"
    columns = (
        Column("name", "Course", lambda c: c.name, lambda c: c.get_absolute_url(), ("name",)),
        Column("valid", "Valid for (days)", lambda c: c.valid_for_days, order_by=("valid_for_days",)),
    )


class TrainingRecordTable(Table):
    """Completions with their expiry."""

    columns = (
        Column("user", "Person", lambda r: r.user, lambda r: r.get_absolute_url(), ("user__username",)),
        Column(
            "course", "Course", lambda r: r.course, lambda r: r.course.get_absolute_url(), ("course__name",)
        ),
        Column("completed", "Completed", lambda r: r.completed_on, order_by=("completed_on",)),
        Column("expires", "Expires", lambda r: r.expires_on, order_by=("expires_on",)),
    )
