"""Training: the share of matching pairs, u values from random pairs, m values by EM — then regularised.

EM on tidy data learns certainties the world does not have (if no true match in the sample ever changed its
phone number, a different phone would veto any match). :func:`regularise` keeps every weight finite and
plausible: untrained values fall back to the template's, and no level's ``m`` drops below a floor.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import duckdb
from splink import Linker, SettingsCreator, block_on
from splink.internals.exceptions import SplinkException
from splink.internals.splink_dataframe import SplinkDataFrame

from . import model as template
from .checks import Check

#: Blocking rules for the EM sessions: the first trains everything but the birth date, the second trains it.
EM_RULES = (("birth_date",), ("first_name", "surname"))
#: A pair identical on these is nearly always a match; their share (with an assumed recall) sets the prior.
DETERMINISTIC = ("first_name", "surname", "birth_date")
DETERMINISTIC_RECALL = 0.8
#: Floors for m: at least 1% of true matches differ on any field, at least 0.1% fall in any other level.
M_FLOOR_ELSE = 0.01
M_FLOOR = 0.001
#: Fewer record pairs than this say little about how often unrelated records agree: keep the template's u.
U_MIN_PAIRS = 1000
#: What a training step may raise on small or degenerate data (it is reported, not fatal).
_FAILURES = (SplinkException, ValueError, ArithmeticError, duckdb.Error)


def _template_level(comparison: str, label: str) -> dict[str, Any] | None:
    for comp in template.COMPARISONS:
        if comp["output_column_name"] == comparison:
            for level in comp["comparison_levels"]:
                if level.get("label_for_charts") == label:
                    return dict(level)
    return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    return line if len(line) <= 120 else line[:117] + "..."


def default_prior(n_left: int, n_right: int | None) -> float:
    """A starting share of matching pairs: each record matches about one record on the other side."""
    if n_right is None:
        pairs = max(n_left * (n_left - 1) / 2, 1.0)
        return min(0.5, max(n_left * 0.05, 1.0) / pairs)
    return min(0.5, max(min(n_left, n_right) * 0.9, 1.0) / max(n_left * n_right, 1))


def train(
    frames: Sequence[SplinkDataFrame],
    settings: SettingsCreator,
    *,
    seed: int,
    u_pairs: float,
    em_pairs: float,
    pairs: int,
) -> tuple[dict[str, Any], list[Check]]:
    """Train the template on the registered ``frames``; return the trained model and what could not be done.

    ``pairs`` is how many record pairs the data hold: below :data:`U_MIN_PAIRS` the u values are not estimated.
    A failed EM session (too few pairs, a degenerate sample) can leave Splink's state half-updated, so each
    session starts from a snapshot and a failure goes back to it.
    """
    notes: list[Check] = []
    linker = Linker(frames, settings, log_level=None, validate_settings=False)
    try:
        linker.training.estimate_probability_two_random_records_match(
            [block_on(*DETERMINISTIC)], recall=DETERMINISTIC_RECALL
        )
    except _FAILURES as exc:
        notes.append(Check("warning", "prior-not-estimated",
                           f"the share of matching pairs was not estimated ({_first_line(exc)})"))  # fmt: skip
    if pairs >= U_MIN_PAIRS:
        linker.training.estimate_u_using_random_sampling(max_pairs=u_pairs, seed=seed)
    else:
        notes.append(Check("warning", "too-few-pairs",
                           f"only {pairs:,} record pairs: too few to learn how often unrelated records agree; "
                           "the template's values are used"))  # fmt: skip
    for cols in EM_RULES:
        snapshot = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                block_on(*cols), max_pairs=em_pairs, estimate_without_term_frequencies=True
            )
        except _FAILURES as exc:
            linker = Linker(frames, snapshot, log_level=None, validate_settings=False)
            notes.append(Check("warning", "em-failed",
                               f"EM on pairs sharing {' and '.join(cols)} did not run ({_first_line(exc)}); the template's "
                               "values are used for what it would have trained"))  # fmt: skip
    model = linker.misc.save_model_to_json()
    linker.table_management.invalidate_cache()  # drop training's tables: scoring needs the memory
    return model, notes


def regularise(model: dict[str, Any], prior: float) -> tuple[dict[str, Any], list[Check]]:
    """Fill untrained m/u values from the template, floor every m, renormalise; say what was changed.

    ``prior`` replaces a share of matching pairs that training left at 0 or 1 (no exact matches found).
    """
    out = copy.deepcopy(model)
    notes: list[Check] = []
    estimated = out.get("probability_two_random_records_match")
    if not isinstance(estimated, int | float) or not 0 < estimated < 1:
        out["probability_two_random_records_match"] = prior
        notes.append(Check("note", "template-prior", f"the share of matching pairs is taken as {prior:.3g}"))
    for comp in out.get("comparisons", []):
        name = comp.get("output_column_name", "")
        levels = [lv for lv in comp.get("comparison_levels", []) if not lv.get("is_null_level")]
        filled = []
        for level in levels:
            label = level.get("label_for_charts", "")
            base = _template_level(name, label) or {}
            for key in ("m_probability", "u_probability"):
                if not isinstance(level.get(key), int | float) and isinstance(base.get(key), int | float):
                    level[key] = base[key]
                    filled.append(f"'{label}' {key[0]}")
            floor = M_FLOOR_ELSE if label == "else" else M_FLOOR
            if isinstance(level.get("m_probability"), int | float):
                level["m_probability"] = max(float(level["m_probability"]), floor)
        for key in ("m_probability", "u_probability"):
            values = [lv.get(key) for lv in levels]
            if all(isinstance(v, int | float) for v in values):
                total = sum(float(v) for v in values if v is not None)
                for lv in levels:
                    lv[key] = float(lv[key]) / total
        if filled:
            notes.append(Check("note", "template-values",
                               f"{name}: the template's values are used for {', '.join(filled)} "
                               "(not estimable from these data)"))  # fmt: skip
    return out, notes
