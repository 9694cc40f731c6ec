"""Forms of the family portal (every label and message translated)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from commonground.governance.choices import Relationship
from commonground.people.models import User
from commonground.portal.choices import RequestKind


class VerifyForm(forms.Form):
    """The invitation code, the child's birth date, and the account the family chooses."""

    code = forms.CharField(
        label=_("Invitation code"),
        max_length=20,
        help_text=_("The code on the letter from the school or program, for example 7K3M-Q9XD-2HPT."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    birth_date = forms.DateField(
        label=_("Your child's date of birth"),
        help_text=_("If you are the student, your own date of birth."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    username = forms.CharField(label=_("Choose a user name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only numbers; not a common password."),
    )
    password2 = forms.CharField(
        label=_("The same password again"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_username(self) -> str:
        """A user name nobody has yet."""
        name = str(self.cleaned_data["username"]).strip()
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("That user name is taken; please choose another."))
        return name

    def clean(self) -> dict[str, Any]:
        """Both passwords match and pass the hub's password rules."""
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class InvitationForm(forms.Form):
    """A school or partner issues a code for one child's family."""

    hub_person_id = forms.CharField(label=_("The child's hub id"), max_length=64)
    relationship = forms.ChoiceField(label=_("The code is for"), choices=Relationship.choices)


class RequestForm(forms.Form):
    """A family asks to see or to correct records."""

    kind = forms.ChoiceField(
        label=_("What would you like?"), choices=RequestKind.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Tell us more"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which records, and for a correction, what is wrong and what it should say."),
    )
