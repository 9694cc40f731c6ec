"""Every write of the governance app: one ``do_*`` function per action, one transaction, one audit row."""

from commonground.governance.actions.agreements import (
    do_add_signatory,
    do_create_agreement,
    do_record_signature,
    do_remove_signatory,
    do_update_agreement,
)
from commonground.governance.actions.consents import (
    ConsentImportError,
    do_import_consents,
    do_record_consent,
    do_revoke_consent,
)
from commonground.governance.actions.directory import (
    do_create_designation,
    do_record_opt_out,
    do_update_designation,
    do_withdraw_opt_out,
)
from commonground.governance.actions.holds import do_lift_hold, do_place_hold
from commonground.governance.actions.lifecycle import (
    activation_problems,
    do_activate_agreement,
    do_expire_agreement,
    do_record_agreement_destruction,
    do_return_agreement_to_draft,
    do_sign_agreement,
    do_submit_agreement_for_review,
    do_terminate_agreement,
    signature_problems,
)
from commonground.governance.actions.pathfinder import do_draft_agreement_from_pathfinder

__all__ = [
    "ConsentImportError",
    "activation_problems",
    "do_activate_agreement",
    "do_add_signatory",
    "do_create_agreement",
    "do_create_designation",
    "do_draft_agreement_from_pathfinder",
    "do_expire_agreement",
    "do_import_consents",
    "do_lift_hold",
    "do_place_hold",
    "do_record_agreement_destruction",
    "do_record_consent",
    "do_record_opt_out",
    "do_record_signature",
    "do_remove_signatory",
    "do_return_agreement_to_draft",
    "do_revoke_consent",
    "do_sign_agreement",
    "do_submit_agreement_for_review",
    "do_terminate_agreement",
    "do_update_agreement",
    "do_update_designation",
    "do_withdraw_opt_out",
    "signature_problems",
]
