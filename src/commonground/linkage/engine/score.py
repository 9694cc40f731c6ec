"""Score chosen pairs with a given model (no training, no blocking): to explain one pair, or to test levels.

Every record of ``left`` is compared with every record of ``right`` (keep them small), and the decisions of
:mod:`.decide` apply — the twins-and-siblings guard included, one-to-one not.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
from splink import DuckDBAPI, Linker

from . import model as template
from .decide import Thresholds, decide
from .duck import connect, quiet_splink
from .prepare import prepare


def template_model(link_type: template.LinkType = "link_only", prior: float = 1e-4) -> dict[str, Any]:
    """The template with its starting parameters, as a Splink model dictionary."""
    settings = template.settings(link_type, prior, with_parameters=True)
    return settings.create_settings_dict("duckdb")


def score_pairs(
    left: pa.Table, right: pa.Table, model: dict[str, Any] | None = None, thresholds: Thresholds | None = None
) -> pa.Table:
    """Decide every pair of ``left`` × ``right`` (person tables with ``unique_id``), as :func:`.decide.decide` does."""
    chosen = model or template_model()
    names = [c["output_column_name"] for c in chosen["comparisons"]]
    con = connect()
    try:
        with quiet_splink():
            db = DuckDBAPI(con)
            frames = [
                db.register(prepare(t), dataset_display_name=n)
                for t, n in ((left, "left_records"), (right, "right_records"))
            ]
            linker = Linker(frames, chosen, log_level=None, validate_settings=False)
            scored = linker.inference.score_pairs(frames[0], frames[1])
            limits = thresholds or Thresholds(lower=1e-12, upper=Thresholds().upper)
            records = left.num_rows + right.num_rows
            return decide(con, scored.physical_name, limits, one_to_one=False, records=records, names=names)
    finally:
        con.close()
