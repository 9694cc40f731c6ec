"""Partner files as people keep them: their own headers, id schemes, date formats, encodings and typing errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import xlsxwriter

from .config import PartnerErrorRates, stream
from .noise import NoiseRow, apply_noise
from .organizations import PARTNER_BY_KEY
from .partners import moved_address
from .school_calendar import SchoolCalendar
from .sinks import CsvSink, Register

EXCEL_EPOCH = dt.date(1899, 12, 30)
FIXED_CREATED = dt.datetime(2026, 6, 1, 8, 0, 0)  # noqa: DTZ001 - workbook metadata must not depend on run time
SEX_AS = ("F", "M", "X", "")
SEX_HMIS = ("Woman (Girl, if child)", "Man (Boy, if child)", "Different Identity", "Client doesn't know")
CONTACT_TYPES = (
    "In person - school site",
    "In person - community",
    "Phone call",
    "Video call",
    "Group activity",
)
STAFF_ROLES = ("Volunteer mentor", "Match support specialist", "Program coordinator")


def mdy(d: dt.date | None) -> str:
    """M/D/YYYY without leading zeros, or '' for a missing date."""
    return f"{d.month}/{d.day}/{d.year}" if d else ""


class _Xlsx:
    """A constant-memory xlsxwriter sheet with fixed document properties (same bytes for the same rows)."""

    def __init__(self, path: str, sheet: str, header: list[str]) -> None:
        self.wb = xlsxwriter.Workbook(path, {"constant_memory": True})
        self.wb.set_properties({"created": FIXED_CREATED, "author": "", "company": ""})
        self.date_fmt = self.wb.add_format({"num_format": "yyyy-mm-dd"})
        self.us_fmt = self.wb.add_format({"num_format": "m/d/yyyy"})
        self.ws = self.wb.add_worksheet(sheet)
        self.ws.write_row(0, 0, header)
        self.row = 1

    def date(self, col: int, d: dt.date | None, fmt: Any) -> None:
        if d is not None:
            self.ws.write_number(self.row, col, float((d - EXCEL_EPOCH).days), fmt)

    def close(self) -> None:
        self.wb.close()


class PartnerWriter:
    """Writes all four partners' files chunk by chunk, with ground truth and the noise log."""

    def __init__(self, reg: Register, cal: SchoolCalendar, seed: int, rates: PartnerErrorRates) -> None:
        self.reg, self.cal, self.seed, self.rates = reg, cal, seed, rates
        root = reg.root
        self.counts = dict.fromkeys(PARTNER_BY_KEY, 0)

        def add(key: str, name: str, fmt: str, enc: str | None, dataset: str) -> str:
            p = PARTNER_BY_KEY[key]
            return reg.add(
                f"partners/{key}/{name}", p["slug"], p["systems"][0]["name"], fmt, enc, dataset
            ).path

        self.as_path = add("afterschool", "participants.csv", "csv", "utf-8", "roster")
        self.as_roster = CsvSink(reg.entries[-1], root, ["Participant ID", "Last Name", "First Name", "Birthdate",
                                 "Gender", "Grade", "School", "Parent/Guardian", "Phone", "Address", "Zip",
                                 "Program Start"])  # fmt: skip
        add("afterschool", "daily_attendance.csv", "csv", "utf-8", "program_attendance")
        self.as_att_entry = reg.entries[-1]
        self.as_schema = pa.schema(
            [(c, pa.string()) for c in ("Participant ID", "Site", "Date", "Time In", "Time Out")]
        )
        self._as_file = pa.OSFile(str(root / self.as_att_entry.path), "wb")
        self._as_file.write((",".join(self.as_schema.names) + "\n").encode())
        options = pacsv.WriteOptions(include_header=False, quoting_style="none")
        self.as_att = pacsv.CSVWriter(self._as_file, self.as_schema, write_options=options)
        self.me_path = add("mentoring", "mentee_roster.xlsx", "xlsx", None, "roster")
        self.me_entry = reg.entries[-1]
        self.me = _Xlsx(str(root / self.me_path), "Mentees", ["Mentee ID", "Student First Name", "Student Last Name",
                        "DOB (dd/mm/yyyy)", "School", "Grade", "Match Date", "Guardian", "Guardian Phone",
                        "Home Address"])  # fmt: skip
        add("mentoring", "service_contacts.xlsx", "xlsx", None, "service_contacts")
        self.mc_entry = reg.entries[-1]
        self.mc = _Xlsx(str(root / self.mc_entry.path), "Contacts", ["Mentee ID", "Contact Date", "Minutes",
                        "Contact Type", "Staff Role"])  # fmt: skip
        self.cl_path = add("clinic", "patients.csv", "csv", "cp1252", "roster")
        self.cl = CsvSink(reg.entries[-1], root, ["MRN", "Pt Last", "Pt First", "DOB (M/D/YYYY)", "Sex", "School",
                          "Grd", "Guardian", "Phone", "Street", "Zip", "Last Visit"], encoding="cp1252")  # fmt: skip
        self.ho_path = add("housing", "household_members.xlsx", "xlsx", None, "roster")
        self.ho_entry = reg.entries[-1]
        self.ho = _Xlsx(str(root / self.ho_path), "Household Members", ["PersonalID", "HouseholdID",
                        "RelationshipToHoH", "FirstName", "LastName", "DOB", "DOBDataQuality", "Gender", "Address",
                        "ZIP", "ProjectName", "EntryDate"])  # fmt: skip
        self.day_mdy = np.array([mdy(self.cal.date(i)) for i in range(cal.n_days)], dtype=object)

    def write_chunk(self, chunk: int, records: dict[str, list[dict[str, Any]]], truth: list[tuple[str, str, str, str]],
                    log: list[NoiseRow]) -> None:  # fmt: skip
        """Write one chunk's participants of every partner (records hold true values; noise is added here)."""
        rng = stream(self.seed, "partner-noise", chunk)
        for key, recs in records.items():
            slug = PARTNER_BY_KEY[key]["slug"]
            for rec in recs:
                k = self.counts[key]
                self.counts[key] += 1
                pid = self._pid(key, k, rng)
                rec["pid"] = pid
                apply_noise(rng, rec, self.rates, slug, pid, log, moved_address(rng)[0])
                truth.append((slug, self._path(key), pid, rec["true_id"]))
            getattr(self, f"_write_{key}")(chunk, recs, rng)

    def _path(self, key: str) -> str:
        return {
            "afterschool": self.as_path,
            "mentoring": self.me_path,
            "clinic": self.cl_path,
            "housing": self.ho_path,
        }[key]

    def _pid(self, key: str, k: int, rng: np.random.Generator) -> str:
        if key == "afterschool":
            return f"BF{k + 1:06d}"
        if key == "mentoring":
            return f"BH-{self.cal.school_year_start % 100:02d}-{k + 1:05d}"
        if key == "clinic":
            return f"{(7919 * k + 104729) % 10_000_000:07d}"
        return "".join(f"{b:02x}" for b in rng.integers(0, 256, 16))

    def _write_afterschool(self, chunk: int, recs: list[dict[str, Any]], rng: np.random.Generator) -> None:
        start = rng.integers(0, 40, len(recs))
        self.as_roster.rows(
            (r["pid"], r["last"], r["first"], mdy(r["birth"]), SEX_AS[r["sex"]], r["grade"], r["school"], r["guardian"],
             r["phone"], r["address"], r["zip"], self.day_mdy[s]) for r, s in zip(recs, start, strict=True)
        )  # fmt: skip
        m, d = len(recs), self.cal.n_days
        if not m:
            return
        rate = 0.15 + 0.8 * rng.beta(2.0, 2.0, m)
        attend = (rng.random((m, d), dtype=np.float32) < rate[:, None]) & (
            np.arange(d)[None, :] >= start[:, None]
        )
        rows, days = np.nonzero(attend)
        ids = pa.array([r["pid"] for r in recs]).take(pa.array(rows))
        sites = pa.array([r["school"] + " site" for r in recs]).take(pa.array(rows))
        t_in = pa.array([f"3:{m:02d} PM" for m in range(0, 40)]).take(
            pa.array(rng.integers(5, 40, rows.size))
        )
        t_out = pa.array([f"{h}:{m:02d} PM" for h in (4, 5) for m in range(0, 60)]).take(
            pa.array(rng.integers(40, 120, rows.size)))  # fmt: skip
        dates = pa.array(self.day_mdy.tolist()).take(pa.array(days))
        self.as_att.write_table(pa.table([ids, sites, dates, t_in, t_out], schema=self.as_schema))
        self.as_att_entry.rows += int(rows.size)

    def _write_mentoring(self, chunk: int, recs: list[dict[str, Any]], rng: np.random.Generator) -> None:
        me, mc = self.me, self.mc
        for r in recs:
            b = r["birth"]
            match = self.cal.date(int(rng.integers(0, 60)))
            me.ws.write_row(me.row, 0, [r["pid"], r["first"], r["last"], f"{b.day:02d}/{b.month:02d}/{b.year}" if b else "",
                                        r["school"], r["grade"]])  # fmt: skip
            me.date(6, match, me.us_fmt)
            me.ws.write_row(me.row, 7, [r["guardian"], r["phone"], r["address"]])
            me.row += 1
            k = int(rng.poisson(10))
            first = int(np.searchsorted(self.cal.days, np.datetime64(match)))
            for day in np.sort(rng.integers(first, self.cal.n_days, k)):
                mc.ws.write_string(mc.row, 0, r["pid"])
                mc.date(1, self.cal.date(int(day)), mc.us_fmt)
                mc.ws.write_row(mc.row, 2, [int(rng.choice((30, 45, 60, 90))), CONTACT_TYPES[int(rng.integers(0, 5))],
                                            STAFF_ROLES[int(rng.choice(3, p=(0.7, 0.25, 0.05)))]])  # fmt: skip
                mc.row += 1
        self.me_entry.rows = me.row - 1
        self.mc_entry.rows = mc.row - 1

    def _write_clinic(self, chunk: int, recs: list[dict[str, Any]], rng: np.random.Generator) -> None:
        visit = rng.integers(0, self.cal.n_days, len(recs))
        self.cl.rows(
            (r["pid"], r["last"], r["first"], mdy(r["birth"]), SEX_AS[r["sex"]], r["school"], r["grade"], r["guardian"],
             r["phone"], r["address"], r["zip"], self.day_mdy[v]) for r, v in zip(recs, visit, strict=True)
        )  # fmt: skip

    def _write_housing(self, chunk: int, recs: list[dict[str, Any]], rng: np.random.Generator) -> None:
        ho = self.ho
        for r in recs:
            ho.ws.write_row(ho.row, 0, [r["pid"], f"HH{r['household']:010d}", 2, r["first"], r["last"]])
            ho.date(5, r["birth"], ho.date_fmt)
            entry = self.cal.date(int(rng.integers(0, self.cal.n_days)))
            ho.ws.write_row(ho.row, 6, [1 if r["birth"] else 99, SEX_HMIS[r["sex"]], r["address"], r["zip"],
                                        "Family Rapid Re-Housing"])  # fmt: skip
            ho.date(11, entry, ho.date_fmt)
            ho.row += 1
        self.ho_entry.rows = ho.row - 1

    def close(self) -> None:
        """Finish every partner file."""
        self.as_roster.close()
        self.as_att.close()
        self._as_file.close()
        self.cl.close()
        for x in (self.me, self.mc, self.ho):
            x.close()
