"""The local Spark session of the Spark tests (linkage scoring, indicators), built one way.

The JVM behind PySpark starts once per test process and keeps the jars it started with, so every session
carries Splink's jar (its ``jaro_winkler``): otherwise the linkage test fails whenever another Spark test
started the JVM first. No UI, nothing from the network.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from typing import Any

from tests.conftest import missing_service


def local_spark(app: str, *, cores: int, partitions: int, conf: Mapping[str, str] | None = None) -> Any:
    """A local Spark session on ``cores`` cores with ``partitions`` shuffle partitions and ``conf`` beside."""
    if shutil.which("java") is None:
        missing_service("Java is not installed, so Spark cannot start")
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    builder = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(partitions))
        .config("spark.jars", similarity_jar_location())
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
