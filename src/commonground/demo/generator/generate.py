"""The generator's driver: builds the community chunk by chunk and writes community.json last."""

from __future__ import annotations

import json
import time
from typing import Any

import numpy as np

from . import academics as ac
from .attendance import simulate_attendance
from .catalog import build_catalog
from .community import CITY, NEIGHBORHOODS, SCHOOLS, target_chronic_absence
from .config import CHUNK_STUDENTS, GENERATOR_VERSION, GenerationResult, GeneratorConfig, stream
from .edfi import EdFiWriter
from .edfi_static import write_calendar, write_education_organizations
from .noise import NoiseRow
from .oneroster import OneRosterWriter
from .organizations import DISTRICT_SLUG, PARTNERS, district_entry, partner_entry
from .partner_exports import PartnerWriter
from .partners import chunk_records, make_outsiders, person_records, select_participants
from .school_calendar import build_calendar
from .sinks import Register
from .students import generate_students
from .truth import GROUND_TRUTH, NOISE_LOG, TruthWriter


def generate(cfg: GeneratorConfig) -> GenerationResult:
    """Generate the whole synthetic community into ``cfg.out_dir`` and return a summary.

    Example:
        >>> result = generate(GeneratorConfig(students=500, seed=1, out_dir=Path("/tmp/hf")))
        >>> result.manifest["district"]["name"]
        'Harbor Falls Unified School District'
    """
    t0 = time.perf_counter()
    progress = cfg.progress or (lambda step, done, total: None)
    out = cfg.out_dir
    out.mkdir(parents=True, exist_ok=True)
    cal = build_calendar(cfg.school_year_start)
    cat = build_catalog(cfg.seed, cfg.students)
    reg = Register(out)
    write_education_organizations(reg)
    write_calendar(reg, cal)
    oneroster = OneRosterWriter(reg, cal, cat, cfg.seed)
    edfi = EdFiWriter(reg, cal, cat, cfg.edfi_as_parquet)
    partners = PartnerWriter(reg, cal, cfg.seed, cfg.partner_error_rates)
    truth = TruthWriter(out)
    outsiders = make_outsiders(cfg.seed, cfg.students, cfg.school_year_start)
    weights = cal.day_weights()
    enrolled = np.zeros(len(SCHOOLS), dtype=np.int64)
    chronic_num = np.zeros(len(SCHOOLS), dtype=np.int64)
    chronic_den = np.zeros(len(SCHOOLS), dtype=np.int64)
    users_path = reg.entries[[e.path for e in reg.entries].index("district/oneroster/users.csv")].path
    n_chunks = cfg.n_chunks
    progress("students", 0, cfg.students)
    for chunk in range(n_chunks):
        start = chunk * CHUNK_STUDENTS
        st = generate_students(cfg.seed, chunk, min(CHUNK_STUDENTS, cfg.students - start), cal.n_days,
                               cfg.school_year_start)  # fmt: skip
        att = simulate_attendance(cfg.seed, st, weights)
        enr = ac.class_enrollments(cfg.seed, st, cat)
        ids = oneroster.write_chunk(st, enr)
        edfi.write_chunk(st, ids, att, ac.course_grades(cfg.seed, st, att, enr, cal), ac.discipline(cfg.seed, st, cal),
                         ac.assessments(cfg.seed, st, att, cal))  # fmt: skip
        true_ids = st.true_ids()
        truth_rows: list[tuple[str, str, str, str]] = [
            (DISTRICT_SLUG, users_path, s, t) for s, t in zip(ids, true_ids, strict=True)
        ]
        records: dict[str, list[dict[str, Any]]] = {}
        order_rng = stream(cfg.seed, "partner-order", chunk)
        for key, rows in select_participants(cfg.seed, st).items():
            recs = chunk_records(st, rows, true_ids)
            mine = outsiders.partners[key]
            mine = mine[np.arange(mine.size) % n_chunks == chunk]
            recs += person_records(outsiders.people, mine, outsiders.true_ids, outsiders.school)
            records[key] = [recs[i] for i in order_rng.permutation(len(recs))]
        log: list[NoiseRow] = []
        partners.write_chunk(chunk, records, truth_rows, log)
        truth.write(truth_rows, log)
        for sc, ed, ab in ((st.school1, att.days_enrolled[:, 0], att.days_absent[:, 0]),
                           (st.school2, att.days_enrolled[:, 1], att.days_absent[:, 1])):  # fmt: skip
            ok = (sc >= 0) & (ed > 0)
            enrolled += np.bincount(sc[ok], minlength=len(SCHOOLS))
            counted = ok & (ed >= 10)
            chronic_den += np.bincount(sc[counted], minlength=len(SCHOOLS))
            chronic_num += np.bincount(sc[counted & (ab * 10 >= ed)], minlength=len(SCHOOLS))
        progress("students", start + st.n, cfg.students)
    oneroster.close()
    edfi.close()
    partners.close()
    truth.close()
    files = []
    for i, entry in enumerate(reg.entries):
        progress("checksums", i, len(reg.entries))
        files.append(entry.manifest(out))
    progress("checksums", len(reg.entries), len(reg.entries))
    manifest = _manifest(cfg, cal, enrolled, partners.counts, files)
    (out / "community.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    counts = {f["path"]: f["rows"] for f in files}
    counts[GROUND_TRUTH] = truth.truth_rows
    counts[NOISE_LOG] = truth.noise_rows
    chronic = {
        s.slug: round(float(chronic_num[s.index]) / max(int(chronic_den[s.index]), 1), 4) for s in SCHOOLS
    }
    return GenerationResult(out, manifest, counts, round(time.perf_counter() - t0, 3), chronic)


def _manifest(cfg: GeneratorConfig, cal: Any, enrolled: np.ndarray, participants: dict[str, int],
              files: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    return {
        "seed": cfg.seed,
        "students": cfg.students,
        "school_year": cal.school_year,
        "first_day": cal.first_day.isoformat(),
        "last_day": cal.last_day.isoformat(),
        "city": CITY,
        "generator_version": GENERATOR_VERSION,
        "instructional_days": cal.n_days,
        "edfi_event_format": "parquet" if cfg.edfi_as_parquet else "xml",
        "partner_error_rates": cfg.partner_error_rates.as_dict(),
        "district": district_entry(),
        "neighborhoods": [
            {"name": n.name, "latitude": n.latitude, "longitude": n.longitude} for n in NEIGHBORHOODS
        ],
        "schools": [
            {
                "slug": s.slug,
                "name": s.name,
                "school_id": s.school_id,
                "level": s.level,
                "grades": s.grades,
                "neighborhood": s.neighborhood,
                "address": s.address,
                "latitude": s.latitude,
                "longitude": s.longitude,
                "target_chronic_absence": target_chronic_absence(s),
                "students": int(enrolled[s.index]),
            }
            for s in SCHOOLS
        ],
        "partners": [partner_entry(p, participants[p["key"]]) for p in PARTNERS],
        "files": files,
        "truth": {"ground_truth": GROUND_TRUTH, "noise_log": NOISE_LOG},
    }
