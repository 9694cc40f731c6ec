"""Configuration, result type and seeded random streams of the synthetic community generator."""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Students are generated, and every file is written, in chunks of this many students. It is a constant on
#: purpose: every random stream is keyed by (seed, stream name, chunk number), so the output never depends on
#: anything but the configuration.
CHUNK_STUDENTS = 50_000

GENERATOR_VERSION = 1

ProgressCallback = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PartnerErrorRates:
    """How often people who type partner rosters make each kind of error (probability per record).

    ``nickname`` applies to records whose first name has a known nickname, ``day_month_swap`` to birth dates
    whose day is 12 or less and differs from the month, ``surname_part`` to two-part or hyphenated surnames;
    every other rate applies to all records. Each injected error is written to ``truth/noise_log.csv``.
    """

    nickname: float = 0.15
    typo: float = 0.05
    day_month_swap: float = 0.03
    missing_birth_date: float = 0.02
    moved_address: float = 0.10
    case_mangle: float = 0.10
    surname_part: float = 0.30
    missing_phone: float = 0.05
    extra_whitespace: float = 0.02

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if not 0.0 <= float(value) <= 1.0:
                raise ValueError(f"partner error rate {name} must be between 0 and 1, got {value!r}")

    def as_dict(self) -> dict[str, float]:
        """The rates as a plain dictionary (for the manifest)."""
        return {k: float(v) for k, v in asdict(self).items()}


@dataclass
class GeneratorConfig:
    """What to generate: how many district students, from which seed, into which folder.

    Example:
        >>> cfg = GeneratorConfig(students=5000, seed=42, out_dir=Path("/tmp/demo"))
    """

    students: int
    seed: int
    out_dir: Path
    school_year_start: int = 2025
    xml_max_students: int = 50_000
    progress: ProgressCallback | None = None
    partner_error_rates: PartnerErrorRates = field(default_factory=PartnerErrorRates)

    def __post_init__(self) -> None:
        if isinstance(self.students, bool) or not isinstance(self.students, int | np.integer):
            raise ValueError(f"students must be a whole number of at least 1, got {self.students!r}")
        if self.students < 1:
            raise ValueError(f"students must be at least 1, got {self.students}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int | np.integer) or self.seed < 0:
            raise ValueError(f"seed must be a non-negative whole number, got {self.seed!r}")
        if not 2000 <= int(self.school_year_start) <= 2100:
            raise ValueError(f"school_year_start must be a year such as 2025, got {self.school_year_start!r}")
        if self.xml_max_students < 0:
            raise ValueError(f"xml_max_students must be 0 or more, got {self.xml_max_students}")
        if isinstance(self.partner_error_rates, dict):
            self.partner_error_rates = PartnerErrorRates(**self.partner_error_rates)
        self.students = int(self.students)
        self.seed = int(self.seed)
        self.out_dir = Path(self.out_dir)

    @property
    def edfi_as_parquet(self) -> bool:
        """True when the Ed-Fi event files are too large for XML and are written as Parquet instead."""
        return self.students > self.xml_max_students

    @property
    def n_chunks(self) -> int:
        """How many chunks of students the run has."""
        return (self.students + CHUNK_STUDENTS - 1) // CHUNK_STUDENTS


@dataclass
class GenerationResult:
    """What :func:`generate` wrote: the folder, the community.json contents, rows per file and the run time."""

    out_dir: Path
    manifest: dict[str, Any]
    counts: dict[str, int]
    seconds: float
    chronic_absence: dict[str, float] = field(default_factory=dict)


def stream(seed: int, name: str, chunk: int = 0) -> np.random.Generator:
    """An independent random generator for one named stream and one chunk (PCG64 over a SeedSequence)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), key, int(chunk)])))
