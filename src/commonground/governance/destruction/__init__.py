"""Verified destruction: crypto-shredding, deletion, a signed certificate, and a ledger restores re-apply.

Public front: :func:`do_destroy_agreement_data`, :func:`do_destroy_student_data`, :func:`replay` and
:func:`check_certificate`. What an agreement covers and when destruction is refused: :mod:`.scope`.
"""

from commonground.governance.destruction.actions import (
    DestructionFailed,
    do_destroy_agreement_data,
    do_destroy_student_data,
)
from commonground.governance.destruction.checks import check_certificate
from commonground.governance.destruction.replay import Replayed, replay
from commonground.governance.destruction.scope import DestructionRefused

__all__ = [
    "DestructionFailed",
    "DestructionRefused",
    "Replayed",
    "check_certificate",
    "do_destroy_agreement_data",
    "do_destroy_student_data",
    "replay",
]
