"""Checks that refuse or flag a degenerate linkage model, in plain words a steward can act on.

They read a Splink model as its JSON dictionary (``linker.misc.save_model_to_json()``), so a test can craft a bad
model directly. ``error`` means the model must not be used; ``warning`` means it is usable but something in the
data was unusual; ``note`` is information.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "note"]

#: One field that moves the odds by more than 2**20 (a million to one) overrules everything else.
DOMINANT_BITS = 20.0
#: A comparison whose best and worst levels differ by less than this tells matches apart hardly at all.
UNINFORMATIVE_BITS = 0.5


@dataclass(frozen=True)
class Check:
    """One finding about a model: how serious, a stable code, and the message in plain words."""

    severity: Severity
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.message}"


class DegenerateModel(Exception):
    """Raised when a trained model fails an ``error`` check; ``checks`` holds every finding."""

    def __init__(self, checks: list[Check]) -> None:
        self.checks = checks
        errors = [c.message for c in checks if c.severity == "error"]
        super().__init__("the linkage model is not usable: " + "; ".join(errors))


def _weight(level: dict[str, Any]) -> float | None:
    m, u = level.get("m_probability"), level.get("u_probability")
    if not isinstance(m, int | float) or not isinstance(u, int | float):
        return None
    return math.log2(max(m, 1e-12) / max(u, 1e-12))


def _levels(comparison: dict[str, Any]) -> list[dict[str, Any]]:
    return [lv for lv in comparison.get("comparison_levels", []) if not lv.get("is_null_level")]


def _describe(found: list[tuple[str, str]], model: dict[str, Any]) -> str:
    """``first_name (all levels), surname ('exact', 'else')`` — grouped by comparison."""
    sizes = {c.get("output_column_name"): len(_levels(c)) for c in model.get("comparisons", [])}
    by_name: dict[str, list[str]] = {}
    for name, label in found:
        by_name.setdefault(name, []).append(label)
    parts = []
    for name, labels in by_name.items():
        shown = (
            "all levels" if len(labels) == sizes.get(name) else ", ".join(f"'{label}'" for label in labels)
        )
        parts.append(f"{name} ({shown})")
    return "; ".join(parts)


def check_training(model: dict[str, Any], rare: frozenset[tuple[str, str]] = frozenset()) -> list[Check]:
    """What training could not estimate: levels whose m was not trained, levels never observed at random.

    One finding per kind, listing the levels. Warnings, except when every level listed is in ``rare``
    (comparison, label) — rare by nature, so only a note.
    """
    untrained: list[tuple[str, str]] = []
    unobserved: list[tuple[str, str]] = []
    for comp in model.get("comparisons", []):
        name = comp.get("output_column_name", "?")
        for level in _levels(comp):
            key = (name, level.get("label_for_charts", "?"))
            if not isinstance(level.get("m_probability"), int | float):
                untrained.append(key)
            if not isinstance(level.get("u_probability"), int | float):
                unobserved.append(key)
    out: list[Check] = []
    for code, found, what in (
        ("m-not-trained", untrained, "m values not trained (no likely matches fell in these levels)"),
        ("level-not-observed", unobserved, "levels never observed among random pairs (no u value)"),
    ):
        if found:
            severity: Severity = "note" if all(k in rare for k in found) else "warning"
            levels = _describe(found, model)
            out.append(Check(severity, code, f"{what}: {levels}; the template's values are used"))
    return out


def check_model(model: dict[str, Any]) -> list[Check]:
    """Refuse models with out-of-range parameters, a dominating comparison or an inverted one (errors)."""
    out: list[Check] = []
    prior = model.get("probability_two_random_records_match")
    if not isinstance(prior, int | float) or not 0 < prior < 1:
        out.append(Check("error", "bad-prior",
                         f"the share of pairs that match must be between 0 and 1 (got {prior!r})"))  # fmt: skip
    ranges: dict[str, float] = {}
    for comp in model.get("comparisons", []):
        name = comp.get("output_column_name", "?")
        levels = _levels(comp)
        for level in levels:
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if isinstance(value, int | float) and not 0 <= value <= 1:
                    out.append(Check("error", "bad-probability",
                                     f"{name} '{level.get('label_for_charts')}': {key} {value} is not a probability"))  # fmt: skip
        weights = [(lv.get("label_for_charts", "?"), _weight(lv)) for lv in levels]
        known = [(label, w) for label, w in weights if w is not None]
        if not known:
            out.append(Check("error", "untrained-comparison", f"{name}: no level has both m and u values"))
            continue
        label, worst = max(known, key=lambda lw: abs(lw[1]))
        if abs(worst) > DOMINANT_BITS:
            out.append(Check("error", "dominant-weight",
                             f"{name} '{label}' has a match weight of {worst:+.1f}: this one field would overrule all "
                             f"the others (limit ±{DOMINANT_BITS:.0f}); the training data are probably too "
                             "uniform or too small"))  # fmt: skip
        first, last = known[0][1], known[-1][1]
        if len(known) > 1 and first < last - UNINFORMATIVE_BITS:
            out.append(Check("error", "inverted-comparison",
                             f"{name}: '{known[0][0]}' ({first:+.1f}) counts less than '{known[-1][0]}' "
                             f"({last:+.1f}) — training learned it backwards"))  # fmt: skip
        elif len(known) > 1 and first - last < UNINFORMATIVE_BITS:
            out.append(Check("warning", "uninformative-comparison",
                             f"{name}: '{known[0][0]}' and '{known[-1][0]}' weigh about the same "
                             f"({first:+.1f}, {last:+.1f}): it hardly tells matches apart in these data"))  # fmt: skip
        ranges[name] = max(w for _, w in known) - min(w for _, w in known)
    for name, span in ranges.items():
        others = sum(v for k, v in ranges.items() if k != name)
        if len(ranges) > 2 and span > others:
            out.append(Check("error", "dominant-comparison",
                             f"{name} spans {span:.1f} bits, more than all other comparisons together "
                             f"({others:.1f}): it would decide every pair on its own"))  # fmt: skip
    return out


def summary(checks: list[Check]) -> str:
    """One line: ``model checks: passed`` or the counts of errors and warnings."""
    errors = sum(c.severity == "error" for c in checks)
    warnings = sum(c.severity == "warning" for c in checks)
    if not errors and not warnings:
        return "model checks: passed"
    return f"model checks: {errors} error(s), {warnings} warning(s)"
