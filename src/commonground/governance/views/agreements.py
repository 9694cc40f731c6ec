"""Agreement pages: the register, one agreement, drafting and amending."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Model, QuerySet
from django.utils import timezone

from commonground.governance import actions, documents, snapshot
from commonground.governance.choices import TRANSITIONS, AgreementStatus
from commonground.governance.forms import AgreementForm
from commonground.governance.models import Agreement
from commonground.governance.permissions import visible_agreements
from commonground.governance.tables import AgreementTable
from commonground.people.permissions import is_steward
from commonground.utilities.views import ObjectDetailView, ObjectEditView, ObjectListView

#: The lifecycle buttons: (target status, URL step, button label, needs a form first).
STEPS = (
    (AgreementStatus.IN_REVIEW, "submit", "Submit for review", False),
    (AgreementStatus.DRAFT, "return", "Return to draft", True),
    (AgreementStatus.SIGNED, "sign", "Record that it is signed", False),
    (AgreementStatus.ACTIVE, "activate", "Activate", False),
    (AgreementStatus.EXPIRED, "expire", "Mark expired", False),
    (AgreementStatus.TERMINATED, "terminate", "Terminate", True),
    (AgreementStatus.DESTROYED, "destroy", "Record destruction of the data", True),
)


class AgreementListView(ObjectListView):
    """The agreement register: every agreement for stewards, their organizations' for partner data leads."""

    template_name = "governance/object_list.html"
    model = Agreement
    table_class = AgreementTable
    search_fields = ("reference", "title", "purpose")
    kind_field = "status"
    kind_label = "Status"
    title = "Agreements"
    intro = (
        "Written agreements: who may receive which student data, on which legal basis, for what purpose and until "
        "when. Nothing flows without one in force."
    )
    create_url_name = "governance:agreement_create"

    def get_queryset(self) -> QuerySet[Any]:
        self.queryset = visible_agreements(self.request.user)
        return super().get_queryset()


class AgreementDetailView(ObjectDetailView):
    """One agreement: its terms, what is still missing, its signatories, lifecycle buttons and versions."""

    model = Agreement

    def get_queryset(self) -> QuerySet[Any]:
        return visible_agreements(self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        agreement = self.object
        snap = snapshot.build(agreement)
        steward = is_steward(self.request.user)
        allowed = TRANSITIONS[agreement.status]
        context.update(
            snap=snap,
            sections=documents.sections(snap),
            checklist=documents.checklist(snap),
            signatories=agreement.signatories.select_related("organization"),
            versions=agreement.versions.order_by("-number"),
            steps=[(url, label, form) for to, url, label, form in STEPS if to in allowed] if steward else [],
            can_edit=steward and agreement.status in ("draft", "in_review", "signed", "active"),
            can_sign=steward and agreement.status in ("draft", "in_review"),
            activation_problems=(
                actions.activation_problems(agreement, timezone.now())
                if agreement.status in ("draft", "in_review", "signed")
                else []
            ),
            signature_problems=(
                actions.signature_problems(agreement) if agreement.status in ("draft", "in_review") else []
            ),
        )
        return context


class AgreementEditView(ObjectEditView):
    """Draft a new agreement or amend one (an amendment after the draft stage is a new version)."""

    model = Agreement
    form_class = AgreementForm
    template_name = "governance/agreement_form.html"

    def save(self, form: Any) -> Model:
        data = dict(form.cleaned_data)
        if self.object is None:
            return actions.do_create_agreement(acting_user=self.request.user, **data)
        return actions.do_update_agreement(
            acting_user=self.request.user, agreement=cast(Agreement, self.object), **data
        )
