"""Class enrollments, course grades per semester, discipline incidents and state assessment results."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .attendance import AttendanceChunk
from .catalog import MAX_SLOTS, Catalog
from .config import stream
from .school_calendar import SchoolCalendar
from .students import StudentChunk

BEHAVIORS = ("Disruptive behavior", "Defiance or disrespect", "Fighting", "Bullying or harassment",
             "Tobacco or vaping", "Attendance policy violation", "Theft", "Vandalism")  # fmt: skip
BEHAVIOR_P = np.array([0.30, 0.22, 0.14, 0.08, 0.08, 0.10, 0.04, 0.04])
ACTIONS = ("Parent conference", "Detention", "In-school suspension", "Out-of-school suspension", "Expulsion")
LOCATIONS = ("Classroom", "Hallway or stairs", "Cafeteria", "School grounds", "Bus", "Restroom")
TEST_GRADES = (3, 4, 5, 6, 7, 8, 11)
SUBJECTS = ("ELA", "Mathematics")
#: The state test's reporting scale: scores are clipped to it (Assessment metadata publishes it as the score range).
SCALE_MIN, SCALE_MAX = 1900, 3200


def grade_mean(grade: np.ndarray | int) -> np.ndarray | int:
    """The state test's mean scale score for a grade (3 → 2400, rising 35 points a grade)."""
    return 2400 + 35 * (grade - 3)


def cut_scores(grade: int) -> tuple[int, int, int]:
    """Lowest scale scores of performance levels 2, 3 and 4 (Basic, Proficient, Advanced) for a grade."""
    mean = int(grade_mean(grade))
    return mean - 85, mean - 10, mean + 75


@dataclass
class ClassEnrollments:
    """One row per (student, class section, school spell)."""

    student: np.ndarray
    section: np.ndarray
    begin: np.ndarray  # first instructional-day index
    end: np.ndarray  # exclusive end index


def class_enrollments(seed: int, st: StudentChunk, cat: Catalog) -> ClassEnrollments:
    """Place every student in one section of each course of their grade, at each school they attend."""
    rng = stream(seed, "classes", st.chunk)
    parts: list[tuple[np.ndarray, ...]] = []
    for school, entry, exit_ in ((st.school1, st.entry1, st.exit1), (st.school2, st.entry2, st.exit2)):
        rows = np.nonzero((school >= 0) & (exit_ > entry))[0]
        sc = school[rows].astype(np.int64)
        g = st.grade[rows].astype(np.int64)
        homeroom = rng.random(rows.size)
        elementary = g <= 5
        for slot in range(MAX_SLOTS):
            b = cat.slot_base[sc, g, slot]
            k = cat.slot_count[sc, g, slot]
            draw = np.where(elementary, homeroom, rng.random(rows.size))
            ok = b >= 0
            pick = np.minimum((draw * k).astype(np.int64), np.maximum(k - 1, 0))
            r = rows[ok]
            parts.append((r, b[ok] + pick[ok], entry[r], exit_[r]))
    cols = [np.concatenate(c) for c in zip(*parts, strict=True)]
    order = np.lexsort((cols[1], cols[0]))
    return ClassEnrollments(*(c[order] for c in cols))


def absence_rate(st: StudentChunk, att: AttendanceChunk) -> np.ndarray:
    """Share of enrolled days each student missed (both schools together)."""
    return att.days_absent.sum(axis=1) / np.maximum(att.days_enrolled.sum(axis=1), 1)


def course_grades(seed: int, st: StudentChunk, att: AttendanceChunk, enr: ClassEnrollments,
                  cal: SchoolCalendar) -> dict[str, np.ndarray]:  # fmt: skip
    """Semester grades (numeric 0-100 and letter) for every class a student attended 15+ days of a semester."""
    rng = stream(seed, "grades", st.chunk)
    rate = absence_rate(st, att)
    out: dict[str, list[np.ndarray]] = {"student": [], "section": [], "term": [], "numeric": [], "begin": []}
    for term, (lo, hi) in enumerate(((0, cal.spring_start_index), (cal.spring_start_index, cal.n_days))):
        overlap = np.minimum(enr.end, hi) - np.maximum(enr.begin, lo)
        idx = np.nonzero(overlap >= 15)[0]
        s = enr.student[idx]
        score = 84 + 7 * st.ability[s] + rng.normal(0, 6, idx.size) - 45 * rate[s]
        out["student"].append(s)
        out["section"].append(enr.section[idx])
        out["term"].append(np.full(idx.size, term, dtype=np.int8))
        out["numeric"].append(np.clip(np.rint(score), 35, 100).astype(np.int16))
        out["begin"].append(enr.begin[idx])
    cols = {k: np.concatenate(v) for k, v in out.items()}
    order = np.lexsort((cols["term"], cols["section"], cols["student"]))
    return {k: v[order] for k, v in cols.items()}


def letter_grade(numeric: np.ndarray) -> np.ndarray:
    """Letter grades A-F from numeric grades."""
    letters = np.array(["F", "D", "C", "B", "A"], dtype=object)
    return letters[np.clip((numeric.astype(np.int64) - 50) // 10, 0, 4)]


def discipline(seed: int, st: StudentChunk, cal: SchoolCalendar) -> dict[str, np.ndarray]:
    """Discipline incidents and the action taken for each (a few percent of students, more in grades 6-12)."""
    rng = stream(seed, "discipline", st.chunk)
    lam = np.where(st.grade <= 5, 0.02, np.where(st.grade <= 8, 0.11, 0.08)) * np.where(
        st.chronic_type, 2.2, 1.0
    )
    k = rng.poisson(lam)
    student = np.repeat(np.arange(st.n), k)
    span = np.maximum(st.exit1[student] - st.entry1[student], 1)
    day = st.entry1[student] + (rng.random(student.size) * span).astype(np.int16)
    behavior = rng.choice(len(BEHAVIORS), student.size, p=BEHAVIOR_P / BEHAVIOR_P.sum())
    severe = np.isin(behavior, (2, 3, 4, 6, 7))
    action = np.where(severe, rng.choice(4, student.size, p=[0.1, 0.2, 0.35, 0.35]),
                      rng.choice(3, student.size, p=[0.45, 0.4, 0.15]))  # fmt: skip
    action = np.where((action == 3) & (rng.random(student.size) < 0.01), 4, action)
    length = np.select([action == 2, action == 3, action == 4], [1 + rng.integers(0, 2, student.size),
                       1 + rng.integers(0, 5, student.size), np.full(student.size, 45)], 0)  # fmt: skip
    return {
        "student": student, "day": day, "school": st.school1[student], "behavior": behavior, "action": action,
        "length": length, "location": rng.integers(0, len(LOCATIONS), student.size),
        "seq": np.arange(student.size),
    }  # fmt: skip


def assessments(
    seed: int, st: StudentChunk, att: AttendanceChunk, cal: SchoolCalendar
) -> dict[str, np.ndarray]:
    """Spring state test (grades 3-8 and 11): ELA and mathematics scale scores and performance levels 1-4."""
    rng = stream(seed, "assessment", st.chunk)
    test_day = int(np.searchsorted(cal.days, np.datetime64(f"{cal.school_year_start + 1}-04-14")))
    test_day = min(test_day, cal.n_days - 1)
    in1 = (st.entry1 <= test_day) & (st.exit1 > test_day)
    in2 = (st.school2 >= 0) & (st.entry2 <= test_day) & (st.exit2 > test_day)
    tested = np.isin(st.grade, TEST_GRADES) & (in1 | in2) & (rng.random(st.n) < 0.97)
    s = np.repeat(np.nonzero(tested)[0], 2)
    subject = np.tile(np.array([0, 1], dtype=np.int8), s.size // 2)
    mean = grade_mean(st.grade[s].astype(np.int64))
    rate = absence_rate(st, att)[s]
    score = mean + 85 * (0.85 * st.ability[s] + 0.5 * rng.normal(0, 1, s.size)) - 160 * rate - 15 * subject
    score = np.clip(np.rint(score).astype(np.int64), SCALE_MIN, SCALE_MAX)
    # The same cuts as cut_scores(), vectorised over students.
    level = 1 + (score >= mean - 85).astype(np.int8) + (score >= mean - 10) + (score >= mean + 75)
    school = np.where(in2[s], st.school2[s], st.school1[s])
    days = test_day + rng.integers(0, 4, s.size) + 3 * subject
    return {"student": s, "subject": subject, "score": score, "level": level.astype(np.int8), "school": school,
            "day": np.minimum(days, cal.n_days - 1)}  # fmt: skip
