"""Forms of the governance pages.  They validate; the views hand the cleaned data to the actions."""

from commonground.governance.forms.agreements import (
    AgreementForm,
    DateInput,
    DestructionForm,
    ReasonForm,
    SignatoryForm,
    SignatureForm,
    element_field,
    organizations,
)
from commonground.governance.forms.consent import (
    ConsentForm,
    ConsentImportForm,
    DesignationForm,
    OptOutForm,
    RevokeConsentForm,
    WithdrawOptOutForm,
)
from commonground.governance.forms.pathfinder import PathfinderForm

__all__ = [
    "AgreementForm",
    "ConsentForm",
    "ConsentImportForm",
    "DateInput",
    "DesignationForm",
    "DestructionForm",
    "OptOutForm",
    "PathfinderForm",
    "ReasonForm",
    "RevokeConsentForm",
    "SignatoryForm",
    "SignatureForm",
    "WithdrawOptOutForm",
    "element_field",
    "organizations",
]
