"""The model checks refuse degenerate models in plain words, and the engine and CLI act on them."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from commonground.cli.main import app
from commonground.linkage.engine import link as link_module
from commonground.linkage.engine.checks import Check, DegenerateModel, check_model, check_training
from commonground.linkage.engine.score import template_model
from commonground.linkage.engine.train import regularise
from tests.linkage.conftest import people


def _model() -> dict[str, Any]:
    return copy.deepcopy(template_model())


def _level(model: dict[str, Any], comparison: str, label: str) -> dict[str, Any]:
    comp = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    return dict(next(lv for lv in comp["comparison_levels"] if lv.get("label_for_charts") == label))


def _set(model: dict[str, Any], comparison: str, label: str, **values: float) -> None:
    comp = next(c for c in model["comparisons"] if c["output_column_name"] == comparison)
    next(lv for lv in comp["comparison_levels"] if lv.get("label_for_charts") == label).update(values)


def test_the_template_passes() -> None:
    assert [c for c in check_model(_model()) if c.severity == "error"] == []


def test_a_dominating_weight_is_refused() -> None:
    model = _model()
    _set(model, "phone", "else", m_probability=1e-9, u_probability=0.9999)
    errors = [c for c in check_model(model) if c.severity == "error"]
    assert [c.code for c in errors] == ["dominant-weight"]
    assert "phone 'else'" in errors[0].message and "overrule" in errors[0].message


def test_a_comparison_that_outweighs_all_others_is_refused() -> None:
    model = _model()
    keep = {"first_name", "surname", "birth_date"}  # a small file: three comparisons only
    model["comparisons"] = [c for c in model["comparisons"] if c["output_column_name"] in keep]
    _set(model, "surname", "exact", m_probability=0.999, u_probability=2e-6)
    _set(model, "surname", "else", m_probability=1e-5, u_probability=0.99)
    codes = {c.code for c in check_model(model) if c.severity == "error"}
    assert "dominant-comparison" in codes


def test_an_inverted_comparison_is_refused() -> None:
    model = _model()
    _set(model, "sex", "exact", m_probability=0.2, u_probability=0.6)
    _set(model, "sex", "else", m_probability=0.8, u_probability=0.4)
    errors = [c for c in check_model(model) if c.severity == "error"]
    assert [c.code for c in errors] == ["inverted-comparison"]
    assert "backwards" in errors[0].message


def test_an_impossible_prior_is_refused() -> None:
    model = _model()
    model["probability_two_random_records_match"] = 0
    assert "bad-prior" in {c.code for c in check_model(model)}


def test_untrained_and_unobserved_levels_are_flagged_and_filled() -> None:
    model = _model()
    for lv in next(c for c in model["comparisons"] if c["output_column_name"] == "address")[
        "comparison_levels"
    ]:
        lv.pop("m_probability", None)
    first = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    first["comparison_levels"][3].pop("u_probability")
    found = {c.code: c for c in check_training(model)}
    assert found["m-not-trained"].severity == "warning"
    assert "address (all levels)" in found["m-not-trained"].message
    assert "first_name ('nickname or preferred name')" in found["level-not-observed"].message
    filled, notes = regularise(model, prior=1e-4)
    assert check_training(filled) == [] and [n.code for n in notes] == ["template-values", "template-values"]


def test_rare_levels_are_only_notes() -> None:
    model = _model()
    first = next(c for c in model["comparisons"] if c["output_column_name"] == "first_name")
    first["comparison_levels"][2].pop("m_probability")  # first and last swapped
    (finding,) = check_training(model, frozenset({("first_name", "first and last swapped")}))
    assert finding.severity == "note"


def test_regularise_floors_m_values() -> None:
    model = _model()
    _set(model, "phone", "else", m_probability=1e-12)
    fixed, _ = regularise(model, prior=1e-4)
    assert _level(fixed, "phone", "else")["m_probability"] >= 0.009
    assert [c for c in check_model(fixed) if c.severity == "error"] == []


def _break_training(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make training yield a model whose different birth date vetoes everything (as EM on tidy data would)."""
    real_regularise = link_module.regularise

    def broken(model: dict[str, Any], prior: float) -> tuple[dict[str, Any], list[Check]]:
        fixed, notes = real_regularise(model, prior)
        _set(fixed, "birth_date", "else", m_probability=1e-12)
        return fixed, notes

    monkeypatch.setattr(link_module, "regularise", broken)


def test_the_engine_refuses_a_degenerate_model(monkeypatch: pytest.MonkeyPatch) -> None:
    _break_training(monkeypatch)
    rows = [{"unique_id": i, "first_name": n, "last_name": "Lee", "birth_date": f"2012-01-{i + 1:02d}"}
            for i, n in enumerate(["Ann", "Bo", "Cy", "Di", "Ed", "Flo"])]  # fmt: skip
    with pytest.raises(DegenerateModel) as caught:
        link_module.link_tables(people(rows), people(rows))
    assert "birth_date 'else'" in str(caught.value)
    assert any(c.code == "dominant-weight" for c in caught.value.checks)


def test_the_cli_reports_a_refused_model_in_one_line(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _break_training(monkeypatch)
    rows = "".join(f"{i},{n},Lee,2012-01-{i + 1:02d}\n" for i, n in enumerate(["Ann", "Bo", "Cy", "Di"]))
    (tmp_path / "people.csv").write_text("id,First Name,Last Name,DOB\n" + rows, encoding="utf-8")
    done = CliRunner().invoke(
        app, ["dedupe", str(tmp_path / "people.csv"), "--out", str(tmp_path / "out.csv")]
    )
    assert done.exit_code == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: the linkage model is not usable: birth_date 'else'")
    assert not (tmp_path / "out.csv").exists()
