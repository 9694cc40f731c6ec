"""Forms about agreements: terms, signatories, signatures and lifecycle steps."""

from __future__ import annotations

from typing import Any

from django import forms

from commonground.ecosystem.choices import OrganizationKind
from commonground.ecosystem.models import Organization
from commonground.governance import elements as catalog
from commonground.governance.choices import GoverningLaw
from commonground.governance.models import Agreement, Signatory
from commonground.people.choices import Role
from commonground.people.models import TrainingCourse


class DateInput(forms.DateInput):
    """A native date picker."""

    input_type = "date"


class GroupedCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes in one fieldset per group, so a screen reader announces the table with each column."""

    template_name = "governance/widgets/grouped_checkboxes.html"


def element_field(*, required: bool = True, only: frozenset[str] | None = None, **kwargs: Any) -> forms.Field:
    """Checkboxes of data elements grouped by table (each group has its table as a label)."""
    choices = [
        (group, [(v, label) for v, label in options if only is None or v in only])
        for group, options in catalog.grouped_choices()
    ]
    return forms.MultipleChoiceField(
        choices=[(g, opts) for g, opts in choices if opts],
        widget=GroupedCheckboxes,
        required=required,
        **kwargs,
    )


def organizations(*kinds: str) -> Any:
    """Organizations, optionally of the given kinds."""
    qs = Organization.objects.order_by("name")
    return qs.filter(kind__in=kinds) if kinds else qs


def parse_laws(text: str) -> dict[str, str]:
    """``attendance_event: ferpa`` lines → ``{"attendance_event": "ferpa"}`` (errors name the line)."""
    laws: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        table, sep, law = (part.strip().lower() for part in line.partition(":"))
        if not sep or not table or not law:
            raise forms.ValidationError(f"Line {number}: write dataset: law, e.g. attendance_event: ferpa.")
        if law not in GoverningLaw.values:
            raise forms.ValidationError(
                f"Line {number}: unknown law {law!r}; use {', '.join(GoverningLaw.values)}."
            )
        laws[table] = law
    return laws


def parse_clauses(text: str) -> list[dict[str, str]]:
    """Clauses separated by blank lines; each one's first line is its title, "Title | source" names its source."""
    clauses = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if not lines:
            continue
        title, _, source = (part.strip() for part in lines[0].partition("|"))
        clauses.append({"title": title, "text": " ".join(lines[1:]), "source": source})
    return clauses


class AgreementForm(forms.ModelForm):
    """Draft or amend an agreement (grouped in fieldsets by :attr:`fieldsets`)."""

    disclosing = forms.ModelMultipleChoiceField(
        queryset=organizations(), help_text="Who discloses the records (usually the district)."
    )
    recipients = forms.ModelMultipleChoiceField(queryset=organizations(), help_text="Who receives them.")
    hub = forms.ModelChoiceField(
        queryset=organizations(OrganizationKind.HUB), required=False, label="The hub"
    )
    elements = element_field(required=False, label="Permitted data elements")
    recipient_roles = forms.MultipleChoiceField(
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Who may see the data",
    )
    governing_laws = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Law governing each dataset",
        help_text=f"One line per dataset, e.g. attendance_event: ferpa. Laws: {', '.join(GoverningLaw.values)}.",
    )
    extra_clauses = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        label="Extra clauses (state law and others)",
        help_text="Separate clauses by a blank line. First line: the title, optionally “| source”; then the text.",
    )
    required_training = forms.ModelMultipleChoiceField(
        queryset=TrainingCourse.objects.order_by("name"), widget=forms.CheckboxSelectMultiple, required=False
    )
    population_schools = forms.ModelMultipleChoiceField(
        queryset=organizations(OrganizationKind.SCHOOL), required=False, label="Schools"
    )

    fieldsets = (
        ("Reference", ("reference", "title")),
        ("Parties", ("disclosing", "recipients", "hub")),
        ("Purpose and legal basis", ("legal_basis", "purpose_category", "purpose", "study_aim",
                                     "evaluated_program", "activity_description", "institutional_function",
                                     "direct_control", "annual_notice_criteria", "consent_form")),
        ("The data", ("elements", "governing_laws")),
        ("The students covered", ("population_kind", "population_schools", "population_program_organization",
                                  "population_program")),
        ("Who may see it", ("recipient_roles", "required_training")),
        ("Term and destruction", ("starts_on", "ends_on", "destruction_deadline", "destruction_method")),
        ("Clauses", ("limits_use_to_purpose", "restricts_identification", "designates_authorized_representative",
                     "protection_policies", "deidentification_method", "redisclosure_terms", "extra_clauses")),
    )  # fmt: skip

    class Meta:
        model = Agreement
        fields = [
            "reference", "title", "legal_basis", "purpose_category", "purpose", "study_aim", "evaluated_program",
            "activity_description", "institutional_function", "direct_control", "annual_notice_criteria",
            "consent_form", "elements", "governing_laws", "population_kind", "population_schools",
            "population_program_organization", "population_program", "recipient_roles", "starts_on", "ends_on",
            "destruction_deadline", "destruction_method", "redisclosure_terms", "limits_use_to_purpose",
            "restricts_identification", "designates_authorized_representative", "protection_policies",
            "deidentification_method", "required_training", "extra_clauses",
        ]  # fmt: skip
        widgets = {"starts_on": DateInput(), "ends_on": DateInput(), "destruction_deadline": DateInput()}
        labels = {
            "limits_use_to_purpose": "The recipient uses the data only for the stated purpose",
            "restricts_identification": "No identification of students or parents by anyone but the recipient's "
            "representatives with legitimate interests",
            "designates_authorized_representative": "The disclosing organization designates the recipient as its "
            "authorized representative",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agreement = self.instance
        if agreement.pk:
            parties = list(agreement.parties.all())
            self.initial["disclosing"] = [p.organization_id for p in parties if p.role == "disclosing"]
            self.initial["recipients"] = [p.organization_id for p in parties if p.role == "recipient"]
            self.initial["hub"] = next((p.organization_id for p in parties if p.role == "hub"), None)
            self.initial["governing_laws"] = "\n".join(
                f"{t}: {law}" for t, law in agreement.governing_laws.items()
            )
            self.initial["extra_clauses"] = "\n\n".join(
                f"{c['title']}" + (f" | {c['source']}" if c.get("source") else "") + f"\n{c.get('text', '')}"
                for c in agreement.extra_clauses
            )

    def clean_governing_laws(self) -> dict[str, str]:
        return parse_laws(self.cleaned_data.get("governing_laws") or "")

    def clean_extra_clauses(self) -> list[dict[str, str]]:
        return parse_clauses(self.cleaned_data.get("extra_clauses") or "")

    def clean_hub(self) -> list[Organization]:
        hub = self.cleaned_data.get("hub")
        return [hub] if hub else []

    def grouped(self) -> list[tuple[str, list[Any]]]:
        """The bound fields of each fieldset, for the template."""
        return [(legend, [self[name] for name in names]) for legend, names in self.fieldsets]


class SignatoryForm(forms.ModelForm):
    """Name a decision maker who signs for a party."""

    class Meta:
        model = Signatory
        fields = ["name", "title", "organization", "signed_on"]
        widgets = {"signed_on": DateInput()}

    def __init__(self, *args: Any, agreement: Agreement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            pk__in=agreement.parties.values("organization_id")
        ).order_by("name")


class SignatureForm(forms.Form):
    """The date a signatory signed."""

    signed_on = forms.DateField(widget=DateInput())


class ReasonForm(forms.Form):
    """Why an agreement goes back to draft or is terminated."""

    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class DestructionForm(forms.Form):
    """The recipient's certificate of destruction."""

    destroyed_on = forms.DateField(widget=DateInput())
    certified_by = forms.CharField(
        max_length=150, help_text="Who certified the destruction, and their title."
    )
    method = forms.CharField(max_length=150, help_text="e.g. NIST SP 800-88 purge of the research enclave.")
