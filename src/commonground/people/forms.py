"""Forms about people.  They validate; the views hand the cleaned data to the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation

from commonground.people.models import Membership, TrainingCourse, TrainingRecord, User


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"


class UserCreateForm(forms.ModelForm):
    """Create a user.  Leave the password empty to create an account that cannot sign in with one yet."""

    password = forms.CharField(
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 12 characters. Leave empty to create the account without a password.",
    )

    class Meta:
        model = User
        fields = ["username", "display_name", "first_name", "last_name", "email", "preferred_language"]

    def clean_password(self) -> str | None:
        password = self.cleaned_data.get("password") or None
        if password is not None:
            candidate = User(
                username=self.data.get("username", ""),
                email=self.data.get("email", ""),
                first_name=self.data.get("first_name", ""),
                last_name=self.data.get("last_name", ""),
            )
            password_validation.validate_password(password, candidate)
        return password


class MembershipForm(forms.ModelForm):
    """Give a user a role within an organization."""

    class Meta:
        model = Membership
        fields = ["user", "organization", "role", "title", "starts_on", "ends_on"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class TrainingCourseForm(forms.ModelForm):
    """Register a training course."""

    class Meta:
        model = TrainingCourse
        fields = ["name", "slug", "valid_for_days", "description"]


class TrainingRecordForm(forms.ModelForm):
    """Record a completed course; the expiry defaults to the course's validity."""

    class Meta:
        model = TrainingRecord
        fields = ["user", "course", "completed_on", "expires_on"]
        widgets = {"completed_on": DateInput(), "expires_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["expires_on"].required = False
        self.fields["expires_on"].help_text = "Leave empty to use the course's validity period."
