"""The versioned indicator library: SQL over the canonical tables, tidy cells with every margin.

Public API:

- :data:`~.library.INDICATORS` and :func:`~.library.get_indicator` — the library (id, version, definition,
  "how to read this", parameters with defaults, supported breakdowns, measures);
- :func:`~.runner.run_indicator` — run one indicator on DuckDB over Parquet files, Arrow tables or a connection;
- :func:`~.spark.run_indicator_spark` and :func:`~.spark.to_spark_sql` — the same SQL on Apache Spark;
- :func:`~.docs.render_markdown` — ``docs/indicators.md``, generated from the library.
"""

from .breakdowns import DIMENSIONS, TOTAL
from .errors import IndicatorError, IndicatorNotAvailable
from .library import INDICATORS, get_indicator
from .model import Indicator, Measure
from .params import Param
from .runner import run_indicator

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "TOTAL",
    "Indicator",
    "IndicatorError",
    "IndicatorNotAvailable",
    "Measure",
    "Param",
    "get_indicator",
    "run_indicator",
]
