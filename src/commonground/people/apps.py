"""People app: users, their memberships in organizations, roles and training."""

from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """Who uses the hub, for which organization, in which role, with which training."""

    name = "commonground.people"
    label = "people"
    verbose_name = "People"
