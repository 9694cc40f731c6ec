"""Evaluation sets with ground truth from the synthetic community (``commonground.demo.generator`` output).

Left is the district roster (OneRoster users + demographics, with the home address from Ed-Fi); right is the
union of the four partner rosters, each parsed with the demo's saved mapping. The true pairs come from
``truth/ground_truth.csv``. Only Django-free parsers are used, so tests and benchmarks build these quickly.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from commonground.ingest.connectors.edfi_xml import parse_edfi_xml
from commonground.ingest.connectors.mapping import load_mapping
from commonground.ingest.connectors.oneroster import parse_oneroster
from commonground.ingest.connectors.report import ParseResult
from commonground.ingest.connectors.tabular import parse_tabular

_MAPPINGS = Path(__file__).resolve().parents[2] / "demo" / "mappings"
#: Partner key → (roster file under partners/, the demo's mapping, the header of its school column).
PARTNERS = {
    "afterschool": ("afterschool/participants.csv", "afterschool-participants.yaml", "School"),
    "clinic": ("clinic/patients.csv", "clinic-patients.yaml", "School"),
    "mentoring": ("mentoring/mentee_roster.xlsx", "mentoring-mentees.yaml", "School"),
    "housing": ("housing/household_members.xlsx", "housing-members.yaml", None),
}
PERSON_COLUMNS = (
    "first_name", "middle_name", "last_name", "preferred_first_name", "birth_date", "sex", "address", "city",
    "postal_code", "phone", "email", "school_id", "grade_level",
)  # fmt: skip


@dataclass
class EvalSet:
    """Two sides to link and the pairs that truly are one person (``left_id``, ``right_id``)."""

    left: pa.Table
    right: pa.Table
    true_pairs: pa.Table

    @property
    def records(self) -> int:
        """Person records on both sides."""
        return self.left.num_rows + self.right.num_rows


def _tables(result: ParseResult) -> dict[str, pa.Table]:
    """The parsed tables (results that stream batches build their in-memory tables on ``close_tables``)."""
    close = getattr(result, "close_tables", None)
    if callable(close):
        close()
    return result.tables


def _district_addresses(root: Path) -> pa.Table:
    edfi = root / "district" / "edfi"
    seoa = edfi / "StudentEducationOrganizationAssociation.parquet"
    if seoa.exists():
        t = pq.read_table(seoa, columns=["StudentUniqueId", "Address", "City", "PostalCode"])
        return t.rename_columns(["source_person_id", "address", "city", "postal_code"])
    files = [edfi / "Student.xml", edfi / "StudentEducationOrganizationAssociation.xml"]
    person = _tables(parse_edfi_xml(files, "district", validate=False))["person"]
    return person.select(["source_person_id", "address", "city", "postal_code"])


def _district(root: Path) -> pa.Table:
    tables = _tables(parse_oneroster(root / "district" / "oneroster", "district", validate=False))
    person = tables["person"].drop_columns(["address", "city", "postal_code"])
    school = tables["school"]
    names = dict(zip(school.column("school_id").to_pylist(), school.column("name").to_pylist(), strict=True))
    school_names = [names.get(s, s) for s in person.column("school_id").to_pylist()]
    person = person.set_column(
        person.schema.get_field_index("school_id"), "school_id", pa.array(school_names)
    )
    person = person.join(_district_addresses(root), "source_person_id", join_type="left outer")
    return _shape(person, person.column("source_person_id"), "district")


def _partner(root: Path, key: str) -> pa.Table:
    path, mapping_file, school_header = PARTNERS[key]
    mapping = load_mapping(_MAPPINGS / mapping_file)
    if school_header:
        mapping.columns["school_id"] = school_header
    person = _tables(parse_tabular(root / "partners" / path, mapping, key, validate=False))["person"]
    ids = pc.binary_join_element_wise(key, person.column("source_person_id"), ":")
    return _shape(person, ids, key)


def _shape(person: pa.Table, ids: pa.ChunkedArray | pa.Array, group: str) -> pa.Table:
    cols = {"unique_id": ids, "source_group": pa.array([group] * person.num_rows, pa.string())}
    cols.update({name: person.column(name) for name in PERSON_COLUMNS})
    return pa.table(cols)


def _truth(root: Path) -> dict[tuple[str, str], str]:
    """(source group, source person id) → true person id."""
    file_group = {f"partners/{path}": key for key, (path, _, _) in PARTNERS.items()}
    out: dict[tuple[str, str], str] = {}
    with open(root / "truth" / "ground_truth.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            source = row["source_file"]
            group = "district" if source.startswith("district/oneroster") else file_group.get(source)
            if group:
                out[(group, row["source_person_id"])] = row["true_person_id"]
    return out


def load_community(root: Path, partners: tuple[str, ...] = tuple(PARTNERS)) -> EvalSet:
    """Build the evaluation set from a generated community folder."""
    left = _district(root)
    right = pa.concat_tables([_partner(root, key) for key in partners])
    truth = _truth(root)
    by_person = {truth[("district", uid)]: uid for uid in left.column("unique_id").to_pylist()}
    pairs_l: list[str] = []
    pairs_r: list[str] = []
    for uid in right.column("unique_id").to_pylist():
        group, _, pid = uid.partition(":")
        match = by_person.get(truth.get((group, pid), ""))
        if match is not None:
            pairs_l.append(match)
            pairs_r.append(uid)
    return EvalSet(left, right, pa.table({"left_id": pairs_l, "right_id": pairs_r}))
