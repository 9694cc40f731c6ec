"""Demo sign-ins: one person per role, with memberships and training records (one of them expired)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from commonground.demo.community_extras import HUB, OTHER_ORGANIZATIONS
from commonground.ecosystem.models import Organization
from commonground.people import actions
from commonground.people.choices import Role
from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User

DEMO_PASSWORD = "commonground-demo"  # noqa: S105 - published demo password for a synthetic community on localhost

COURSES = [
    (
        "ferpa-basics",
        "FERPA basics",
        "What FERPA protects, the lawful paths to share, and the duties that follow.",
    ),
    ("data-security", "Data security and confidentiality", "Handling student data safely day to day."),
]


def _people(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    district = manifest["district"]["slug"]
    partners = {p["slug"]: p for p in manifest["partners"]}
    nonprofits = [p["slug"] for p in manifest["partners"] if p["kind"] == "nonprofit"]
    first_program = nonprofits[0] if nonprofits else district
    second_program = nonprofits[1] if len(nonprofits) > 1 else first_program
    funder = next(o["slug"] for o in OTHER_ORGANIZATIONS if o["kind"] == "funder")
    research = next(o["slug"] for o in OTHER_ORGANIZATIONS if o["kind"] == "agency")
    return [
        {
            "username": "steward",
            "name": "Sam Rivera",
            "org": HUB["slug"],
            "role": Role.HUB_STEWARD,
            "title": "Hub data steward",
            "staff": True,
            "training": {"ferpa-basics": 30, "data-security": 30},
        },
        {
            "username": "district-lead",
            "name": "Dana Okafor",
            "org": district,
            "role": Role.DATA_LEAD,
            "title": "Director of Data and Research",
            "training": {"ferpa-basics": 100},
        },
        {
            "username": "coordinator",
            "name": "Luis Romero",
            "org": first_program,
            "role": Role.CASE_MANAGER,
            "title": f"Site coordinator, {partners[first_program]['name'] if first_program in partners else ''}",
            "training": {"ferpa-basics": 60, "data-security": 60},
        },
        {
            "username": "mentor",
            "name": "Grace Lee",
            "org": second_program,
            "role": Role.CASE_MANAGER,
            "title": "Mentoring case manager",
            "training": {"ferpa-basics": 400},
        },  # expired: shows the warning
        {
            "username": "superintendent",
            "name": "Dr. Alma Reyes",
            "org": district,
            "role": Role.LEADER,
            "title": "Superintendent",
        },
        {
            "username": "funder",
            "name": "Ken Adeyemi",
            "org": funder,
            "role": Role.LEADER,
            "title": "Program officer",
        },
        {
            "username": "researcher",
            "name": "Priya Nair",
            "org": research,
            "role": Role.RESEARCHER,
            "title": "Research scientist",
            "training": {"ferpa-basics": 200},
        },
        {
            "username": "parent",
            "name": "Maria Gonzalez",
            "org": district,
            "role": Role.PARENT,
            "title": "Parent",
        },
    ]


@transaction.atomic
def load_people(manifest: dict[str, Any], today: dt.date | None = None) -> list[dict[str, str]]:
    """Create the demo users once; return one row per sign-in (role, username, organization)."""
    day = today or timezone.localdate()
    courses = {}
    for slug, name, description in COURSES:
        courses[slug] = TrainingCourse.objects.filter(slug=slug).first() or actions.do_create_course(
            acting_user=None, slug=slug, name=name, description=description
        )
    logins = []
    for spec in _people(manifest):
        org = Organization.objects.get(slug=spec["org"])
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:
            user = actions.do_create_user(
                acting_user=None,
                username=spec["username"],
                password=DEMO_PASSWORD,
                display_name=spec["name"],
                email=f"{spec['username']}@example.org",
                is_staff=spec.get("staff", False),
                is_superuser=spec.get("staff", False),
            )
        if not Membership.objects.filter(user=user, organization=org, role=spec["role"]).exists():
            actions.do_add_membership(
                acting_user=None,
                user=user,
                organization=org,
                role=spec["role"],
                starts_on=day - dt.timedelta(days=500),
                title=spec["title"],
            )
        for course_slug, days_ago in spec.get("training", {}).items():
            course = courses[course_slug]
            if not TrainingRecord.objects.filter(user=user, course=course).exists():
                actions.do_record_training(
                    acting_user=None, user=user, course=course, completed_on=day - dt.timedelta(days=days_ago)
                )
        logins.append(
            {"role": str(Role(spec["role"]).label), "username": user.username, "organization": org.name}
        )
    return logins
