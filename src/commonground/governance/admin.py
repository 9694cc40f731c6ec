"""Admin pages for governance (hub stewards).

Agreements, their versions and consents are read-only here: changing them must go through the actions, which keep
versions, check the required elements and record revocations; an admin edit would bypass all three.
Directory designations and opt-outs may be corrected (each save is audited).  Disclosure records, holds and the
population index are read-only too: the gate writes the first, ``do_place_hold``/``do_lift_hold`` the second, and
``do_refresh_population`` the third.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from commonground.governance.models import (
    Agreement,
    AgreementParty,
    AgreementVersion,
    Consent,
    DirectoryDesignation,
    DirectoryOptOut,
    DisclosureRecord,
    Hold,
    PopulationFact,
    Signatory,
)
from commonground.utilities.admin import StewardModelAdmin


class ReadOnlyAdmin(StewardModelAdmin):
    """Stewards may look; nobody may add, change or delete here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AgreementPartyInline(admin.TabularInline):
    model = AgreementParty
    extra = 0
    autocomplete_fields = ("organization",)


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    autocomplete_fields = ("organization",)


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("reference", "title", "status", "legal_basis", "purpose_category", "starts_on", "ends_on")
    list_filter = ("status", "legal_basis", "purpose_category")
    search_fields = ("reference", "title", "purpose")
    inlines = [AgreementPartyInline, SignatoryInline]
    filter_horizontal = ("population_schools", "required_training")
    readonly_fields = ("version", "activated_at", "ended_at")


@admin.register(AgreementVersion)
class AgreementVersionAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "status", "created_at", "created_by", "note")
    list_filter = ("status",)
    search_fields = ("agreement__reference", "note")
    readonly_fields = ("agreement", "number", "status", "snapshot", "created_at", "created_by", "note")


@admin.register(Consent)
class ConsentAdmin(ReadOnlyAdmin):
    list_display = (
        "student_name",
        "source_organization",
        "source_person_id",
        "signer_name",
        "signed_on",
        "revoked_at",
    )
    list_filter = ("signature_method", "relationship", "purpose_category")
    search_fields = ("source_person_id", "form_reference", "hub_person_id")  # names are encrypted at rest
    autocomplete_fields = ("source_organization", "collected_by")
    list_select_related = ("source_organization",)


@admin.register(DirectoryDesignation)
class DirectoryDesignationAdmin(StewardModelAdmin):
    list_display = ("district", "effective_from", "effective_until", "notice_published_on")
    search_fields = ("district__name", "notice_reference")


@admin.register(DirectoryOptOut)
class DirectoryOptOutAdmin(StewardModelAdmin):
    list_display = ("student_name", "district", "source_person_id", "received_on", "withdrawn_on")
    search_fields = ("source_person_id",)  # names are encrypted at rest: not searchable


@admin.register(DisclosureRecord)
class DisclosureRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "hub_person_id", "recipient_label", "recipient_organization", "basis", "route")
    list_filter = ("basis", "route", "required_by_law")
    search_fields = ("hub_person_id", "recipient_label", "agreement_reference")
    list_select_related = ("recipient_organization",)


@admin.register(Hold)
class HoldAdmin(ReadOnlyAdmin):
    list_display = ("scope", "hub_person_id", "organization", "agreement", "placed_at", "lifted_at")
    list_filter = ("scope",)
    search_fields = ("hub_person_id", "reason")


@admin.register(PopulationFact)
class PopulationFactAdmin(ReadOnlyAdmin):
    list_display = ("hub_person_id", "kind", "organization", "value", "begins", "ends")
    list_filter = ("kind",)
    search_fields = ("hub_person_id",)
