"""Computing a release: read the data plane as the hub's own job, run each indicator, protect, merge.

The read is a system read (``gate.system_read("release <slug> v<N>")``, audited): no person sees student-level
rows, only the protected aggregates that come out. Nothing here writes the release; the action does, in one
transaction, once the computation has passed the disclosure audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version as package_version
from typing import Any

import duckdb
import pyarrow as pa

import commonground
from commonground.governance import gate
from commonground.ingest import dataplane
from commonground.linkage.choices import HubPersonStatus
from commonground.linkage.models import PersonRecord
from commonground.questions import releases
from commonground.questions.indicators import INDICATORS, run_indicator
from commonground.questions.indicators.params import resolve
from commonground.questions.models import Question, Release
from commonground.questions.suppression import DisclosureRisk, protect


@dataclass
class Computed:
    """A release ready to store: its CSV, hash, counts and provenance (without who and when it is stored)."""

    csv_text: str
    sha256: str
    rows: int
    suppressed_rows: int
    provenance: dict[str, Any] = field(default_factory=dict)


def person_link() -> tuple[pa.Table, dict[str, int]]:
    """(source_org, source_person_id, hub_person_id) for every record in the registry; merged ids resolved.

    Read from the control plane only (the registry holds no personal data, only ids).
    """
    rows = PersonRecord.objects.values_list(
        "organization__slug", "source_person_id", "hub_person__hub_id", "hub_person__status",
        "hub_person__merged_into__hub_id",
    )  # fmt: skip
    orgs: list[str] = []
    ids: list[str] = []
    hubs: list[str] = []
    for slug, source_id, hub_id, status, into in rows.iterator(chunk_size=5000):
        orgs.append(slug)
        ids.append(source_id)
        hubs.append(into if status == HubPersonStatus.MERGED and into else hub_id)
    table = pa.table(
        {
            "source_org": pa.array(orgs, pa.string()),
            "source_person_id": pa.array(ids, pa.string()),
            "hub_person_id": pa.array(hubs, pa.string()),
        }
    )
    return table, {"records": len(ids), "people": len(set(hubs))}


def registry_neighbourhoods() -> pa.Table:
    """(district, school_id, neighborhood) for every school the ecosystem registry places in a neighbourhood.

    District exports (OneRoster orgs, Ed-Fi School) carry no neighbourhood, so the hub's registry supplies it; a
    neighbourhood a school row does carry wins.
    """
    from commonground.ecosystem.models import Organization

    rows = (
        Organization.objects.filter(kind="school")
        .exclude(external_id="")
        .exclude(neighborhood="")
        .values_list("parent__slug", "external_id", "neighborhood")
    )
    parents, ids, names = zip(*rows, strict=True) if rows else ((), (), ())
    return pa.table(
        {
            "district": pa.array(parents, pa.string()),
            "school_id": pa.array(ids, pa.string()),
            "neighborhood": pa.array(names, pa.string()),
        }
    )


def _school_view(con: duckdb.DuckDBPyConnection, sent: duckdb.DuckDBPyRelation) -> None:
    """The ``school`` view over the schools ``sent``: each school row's neighbourhood filled from the registry where the row has none,
    plus the registry's schools a district never sent a school row for (so their students still get one)."""
    sent.create_view("school_sent")
    con.register("school_registry", registry_neighbourhoods())
    con.execute(
        "CREATE VIEW school AS SELECT s.* REPLACE (coalesce(nullif(s.neighborhood, ''), ("
        "SELECT min(r.neighborhood) FROM school_registry r WHERE r.school_id = s.school_id "
        "AND (r.district IS NULL OR r.district = s.source_org))) AS neighborhood) FROM school_sent s "
        "UNION ALL BY NAME SELECT r.district AS source_org, r.school_id, r.neighborhood FROM school_registry r "
        "WHERE r.district IS NOT NULL AND NOT EXISTS (SELECT 1 FROM school_sent s "
        "WHERE s.school_id = r.school_id AND s.source_org = r.district)"
    )


def earlier_tables(earlier: Sequence[Release], indicator_id: str) -> list[pa.Table]:
    """What earlier releases published for ``indicator_id``: one audit table per breakdown set they used."""
    indicator = INDICATORS[indicator_id]
    measures = [m.id for m in indicator.measures]
    proportions = [m.id for m in indicator.measures if m.proportion]
    out: list[pa.Table] = []
    for release in earlier:
        used = [i["id"] for i in release.provenance.get("indicators", [])]
        if indicator_id not in used:
            continue
        rows = releases.release_rows(release.csv_text)
        for one in release.provenance.get("breakdowns", [[]]):
            out.append(releases.audit_table(rows, one, measures, proportions))
    return out


#: Tables every indicator reads to place a student-year (school, grade, days enrolled), whatever its own list says.
STUDENT_YEAR_TABLES = frozenset(
    {"enrollment", "calendar_date", "attendance_event", "attendance_summary", "person", "school"}
)
#: Tables the ``program`` breakdown reads (participation: a program spell or a service contact).
PROGRAM_TABLES = frozenset({"program_participation", "service_contact"})


def tables_read(question: Question) -> set[str]:
    """The canonical tables a release of ``question`` reads: the student-year base, each indicator's own, and the
    program tables when a breakdown is by program (an indicator's list alone misses what breakdowns add)."""
    needed = set(STUDENT_YEAR_TABLES)
    for indicator_id in question.indicators:
        needed |= set(INDICATORS[indicator_id].tables)
    if any("program" in one for one in question.breakdowns):
        needed |= PROGRAM_TABLES
    return needed


def _submissions(tables: set[str]) -> list[dict[str, Any]]:
    """The accepted submissions whose batches the current view of ``tables`` reads, with their file hashes."""
    from commonground.ingest.models import Submission

    used: dict[int, set[str]] = {}
    for table in sorted(tables):
        for batch, _path in dataplane.scope(table):
            used.setdefault(batch.submission_id, set()).add(table)
    found = Submission.objects.filter(pk__in=used).select_related("organization").prefetch_related("files")
    return [
        {
            "id": s.pk,
            "organization": s.organization.slug,
            "dataset": s.dataset,
            "tables": sorted(used[s.pk]),
            "files": [{"name": f.name, "sha256": f.sha256} for f in s.files.all()],
            "decided_at": s.decided_at.astimezone(dt.UTC).isoformat() if s.decided_at else None,
        }
        for s in sorted(found, key=lambda s: s.pk)
    ]


def engine_versions() -> dict[str, str]:
    """Versions of the code that computed a release."""
    return {
        "commonground": commonground.__version__,
        "duckdb": duckdb.__version__,
        "pyarrow": pa.__version__,
        "scipy": package_version("scipy"),
    }


def compute(
    question: Question, *, number: int, min_cell: int, earlier: Sequence[Release], actor: Any = None
) -> Computed:
    """Compute release ``number`` of ``question``: every indicator × breakdown set, protected and merged.

    ``earlier`` are the question's earlier releases: each protected table is audited against what they
    published, and against the tables of this release computed before it. Raises ``DisclosureRisk`` naming
    the indicator, the breakdown set and the cells when no safe table exists.
    """
    link, link_counts = person_link()
    needed = tables_read(question)
    protected: list[pa.Table] = []
    runs: list[dict[str, Any]] = []
    job = f"release {question.slug} v{number}"
    details = {"question": question.slug, "release": number, "tables": sorted(needed)}
    with gate.system_read(job, actor=actor, details=details):
        con = dataplane.connect()
        try:
            for table in sorted(needed):
                if table == "school":
                    _school_view(con, dataplane.current_relation(con, "school"))
                else:
                    dataplane.current_relation(con, table).create_view(table)
            submissions = _submissions(needed)
            for indicator_id in question.indicators:
                before = earlier_tables(earlier, indicator_id)
                params = question.params.get(indicator_id, {})
                for one in question.breakdowns:
                    computed = run_indicator(con, indicator_id, one, params, person_link=link)
                    try:
                        result = protect(computed, min_cell, earlier=before)
                    except DisclosureRisk as exc:
                        where = f"{indicator_id} by {', '.join(one) or 'total only'}"
                        raise DisclosureRisk(
                            f"release {number} of {question.slug!r} refused ({where}): no safe table",
                            exc.exposures,
                        ) from None
                    protected.append(result.table)
                    before.append(result.table)
                    runs.append({"indicator": indicator_id, "breakdowns": list(one), **result.summary})
        finally:
            con.close()
    dims, rows = releases.merge_tables(protected)
    text = releases.to_csv(dims, rows)
    provenance = {
        "question": {
            "slug": question.slug,
            "version": question.version,
            "wording": question.wording,
            "owner": question.owner.slug,
            "audience": question.audience,
        },
        "indicators": [
            {
                "id": i,
                "version": INDICATORS[i].version,
                "ref": INDICATORS[i].ref,
                "title": INDICATORS[i].title,
                "params": resolve(INDICATORS[i].params, question.params.get(i, {}), i),
                "measures": [m.id for m in INDICATORS[i].measures],
            }
            for i in question.indicators
        ],
        "breakdowns": [list(b) for b in question.breakdowns],
        "dimensions": dims,
        "min_cell": min_cell,
        "submissions": submissions,
        "person_link": link_counts,
        "suppression": runs,
        "earlier_releases": [r.version for r in earlier],
        "engines": engine_versions(),
    }
    suppressed = sum(r["status"] != releases.PUBLISHED for r in rows)
    return Computed(text, releases.sha256_text(text), len(rows), suppressed, provenance)
