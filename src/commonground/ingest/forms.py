"""Forms of the ingest pages.  They validate; the views hand the cleaned data to ``do_ingest`` and the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from commonground.ecosystem.models import InformationSystem, Organization
from commonground.ingest.choices import FILE_FORMATS, SubmissionFormat, SubmissionStatus
from commonground.ingest.connectors import canonical
from commonground.ingest.connectors.mapping import Mapping, MappingError, mapping_from_dict
from commonground.ingest.mapping_actions import as_mapping, current_mapping_ids
from commonground.ingest.models import SavedMapping, Submission
from commonground.ingest.wizard import date_fields, mapping_data, parse_value_maps

NOT_IN_FILE = "— not in this file —"


class MultipleFileInput(forms.ClearableFileInput):
    """A file input that accepts several files at once."""

    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several uploaded files; each is checked as a FileField would check one."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        if isinstance(data, list | tuple) and data:
            return [single(d, initial) for d in data]
        return [single(data or None, initial)]


class UploadForm(forms.Form):
    """Send an export: which organization and system it comes from, its format, the files, and a mapping."""

    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), empty_label="— choose —")
    system = forms.ModelChoiceField(
        queryset=InformationSystem.objects.none(),
        required=False,
        label="Source system",
        empty_label="— not recorded —",
        help_text="The system the files were exported from (needed for a saved mapping).",
    )
    format = forms.ChoiceField(choices=[(f.value, f.label) for f in FILE_FORMATS])
    uploads = MultipleFileField(
        label="Files",
        help_text="One or more files, or a single zip. OneRoster: the CSV files or the export zip.",
    )
    mapping = forms.ModelChoiceField(
        queryset=SavedMapping.objects.none(),
        required=False,
        label="Saved mapping",
        empty_label="— none —",
        help_text="Required for CSV/XLSX files: how their columns map to the hub's fields.",
    )

    fixes_for = forms.ModelChoiceField(
        queryset=Submission.objects.none(),
        required=False,
        label="Corrected rows of",
        empty_label="— no: a new export —",
        help_text="To send back corrected quarantined rows: the submission they were held back from, and "
        "its quarantine download, corrected, as the file. Format and mapping are then not needed.",
    )

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fixes_field: Any = self.fields["fixes_for"]
        fixes_field.queryset = Submission.objects.filter(
            organization__in=organizations, status=SubmissionStatus.ACCEPTED, quarantined_rows__gt=0
        ).select_related("organization")
        fixes_field.label_from_instance = lambda s: (
            f"#{s.pk} from {s.organization.name}, {s.submitted_at:%Y-%m-%d} ({s.quarantined_rows} rows held back)"
        )
        self.fields["format"].required = False
        org_field: Any = self.fields["organization"]
        org_field.queryset = organizations.order_by("name")
        system_field: Any = self.fields["system"]
        system_field.queryset = InformationSystem.objects.filter(
            organization__in=organizations
        ).select_related("organization")
        mapping_field: Any = self.fields["mapping"]
        mapping_field.queryset = SavedMapping.objects.filter(
            pk__in=current_mapping_ids(organizations)
        ).select_related("system")
        mapping_field.label_from_instance = lambda m: f"{m.system.name}: {m.name} ({m.table})"
        self.parsed_mapping: Mapping | None = None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        org: Organization | None = data.get("organization")
        system: InformationSystem | None = data.get("system")
        saved: SavedMapping | None = data.get("mapping")
        if saved is not None:
            if system is None:
                system = data["system"] = saved.system
            elif saved.system_id != system.pk:
                self.add_error("mapping", f"this mapping belongs to {saved.system.name}, not {system.name}")
        if org is not None and system is not None and system.organization_id != org.pk:
            self.add_error("system", f"{system.name} is run by {system.organization.name}, not {org.name}")
        original: Submission | None = data.get("fixes_for")
        if original is not None:
            if org is not None and original.organization_id != org.pk:
                self.add_error("fixes_for", f"submission #{original.pk} is from {original.organization.name}")
            data["format"] = SubmissionFormat.TABULAR
            return data
        if not data.get("format"):
            self.add_error("format", "choose the format of the files")
        if data.get("format") == SubmissionFormat.TABULAR:
            if saved is None:
                self.add_error(
                    "mapping", "CSV/XLSX files need a saved mapping; make one with the mapping wizard"
                )
            else:
                self.parsed_mapping = as_mapping(saved)
        return data


class SampleForm(forms.Form):
    """The wizard's first step: a sample export and what it holds."""

    system = forms.ModelChoiceField(
        queryset=InformationSystem.objects.none(),
        label="Source system",
        help_text="The system that exported the file; the mapping is saved for it.",
    )
    table = forms.ChoiceField(
        choices=[(t, t.replace("_", " ")) for t in canonical.SCHEMAS],
        label="What the file holds",
        help_text="The hub table its rows go to: person (a roster), service contact, program participation…",
    )
    file = forms.FileField(
        label="Sample file", help_text="A CSV or XLSX export; only its first rows are kept."
    )
    sheet = forms.CharField(required=False, help_text="XLSX only: the sheet to read (default: the first).")

    def __init__(self, *args: Any, organizations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        system_field: Any = self.fields["system"]
        system_field.queryset = InformationSystem.objects.filter(
            organization__in=organizations
        ).select_related("organization")


def column_field_name(name: str) -> str:
    """The form field choosing the partner's column for a canonical field."""
    return f"col__{name}"


def date_field_name(name: str) -> str:
    """The form field holding date formats for a canonical date field."""
    return f"fmt__{name}"


class MappingForm(forms.Form):
    """One select per canonical field of the table, date formats, value maps, and the name to save it under."""

    value_maps = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One field per line, e.g. sex: M=male, F=female, Boy=male",
    )
    name = forms.CharField(
        max_length=200, required=False, help_text="Saved mappings are offered on the upload page."
    )

    def __init__(self, *args: Any, table: str, headers: list[str], sheet: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.table = table
        self.sheet = sheet
        self.required_fields = canonical.REQUIRED.get(table, ())
        choices = [("", NOT_IN_FILE), *((h, h) for h in headers if h.strip())]
        columns: dict[str, forms.Field] = {}
        for name in canonical.data_field_names(table):
            if name == "source_org":
                continue  # always the submitting organization
            required = name in self.required_fields
            columns[column_field_name(name)] = forms.ChoiceField(
                choices=choices, required=False, label=name + (" (required)" if required else "")
            )
        for name in date_fields(table):
            columns[date_field_name(name)] = forms.CharField(
                required=False,
                label=f"Date formats for {name}",
                help_text="Comma-separated, e.g. %m/%d/%Y, %Y-%m-%d (empty: YYYY-MM-DD)",
            )
        self.fields = {**columns, **self.fields}
        self.mapping: Mapping | None = None
        self.mapping_dict: dict[str, Any] = {}

    def column_fields(self) -> list[forms.BoundField]:
        """The per-field selects, in canonical order (for the template)."""
        return [self[n] for n in self.fields if n.startswith("col__")]

    def date_format_fields(self) -> list[forms.BoundField]:
        """The date-format inputs."""
        return [self[n] for n in self.fields if n.startswith("fmt__")]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        columns = {n.removeprefix("col__"): v for n, v in data.items() if n.startswith("col__") and v}
        for name in self.required_fields:
            if name not in columns:
                self.add_error(column_field_name(name), f"choose the column that holds {name} (required)")
        formats = {
            n.removeprefix("fmt__"): [f.strip() for f in v.split(",") if f.strip()]
            for n, v in data.items()
            if n.startswith("fmt__") and v
        }
        try:
            value_maps = parse_value_maps(data.get("value_maps", ""))
        except ValueError as exc:
            self.add_error("value_maps", str(exc))
            return data
        self.mapping_dict = mapping_data(self.table, columns, value_maps, formats, self.sheet or None)
        try:
            self.mapping = mapping_from_dict(self.mapping_dict)
        except MappingError as exc:
            self.add_error(None, str(exc))
        return data


class TokenForm(forms.Form):
    """Issue an API token for a system."""

    name = forms.CharField(
        max_length=200, help_text="What will use it, e.g. 'nightly export job on the SIS server'."
    )
