"""Courses, class sections and teachers of every school (sized from the number of students)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .community import GRADES, LEVEL_GRADES, SCHOOLS, school_share
from .config import stream
from .names import name_bank
from .students import CHOICE_RATE

CLASS_SIZE = 24
MAX_SLOTS = 6

_ELEM = [("ELA", "English Language Arts", "51034"), ("MATH", "Mathematics", "52034")]
_MIDDLE = [("ELA", "English Language Arts", "51036"), ("MATH", "Mathematics", "52036"), ("SCI", "Science", "53036"),
           ("SOC", "Social Studies", "54036"), ("PE", "Physical Education", "58036"),
           ("EXPL", "Exploratory Arts", "55036")]  # fmt: skip
_HIGH = {
    9: [("ENG-1", "English I", "01001"), ("ALG-1", "Algebra I", "02052"), ("BIO", "Biology", "03051"),
        ("WHIST", "World History", "04051"), ("PE-HLTH", "Health and Physical Education", "08001"),
        ("SPAN-1", "Spanish I", "06101")],
    10: [("ENG-2", "English II", "01002"), ("GEOM", "Geometry", "02072"), ("CHEM", "Chemistry", "03101"),
         ("USHIST", "U.S. History", "04101"), ("SPAN-2", "Spanish II", "06102"), ("ART-1", "Art I", "05154")],
    11: [("ENG-3", "English III", "01003"), ("ALG-2", "Algebra II", "02056"), ("PHYS", "Physics", "03151"),
         ("GOV", "Government", "04151"), ("ECON", "Economics", "04201"), ("CS", "Computer Science", "10011")],
    12: [("ENG-4", "English IV", "01004"), ("PRECALC", "Precalculus", "02110"),
         ("ENVSCI", "Environmental Science", "03003"), ("SOCIO", "Sociology", "04258"),
         ("FIN", "Personal Finance", "22210"), ("ART-2", "Studio Art", "05155")],
}  # fmt: skip
SUBJECTS = {"ELA": "English Language Arts", "ENG": "English Language Arts", "MATH": "Mathematics",
            "ALG": "Mathematics", "GEOM": "Mathematics", "PRECALC": "Mathematics"}  # fmt: skip


def courses_for_grade(grade: int) -> list[tuple[str, str, str]]:
    """(course code, title, SCED subject code) of the courses every student of ``grade`` takes."""
    g = GRADES[grade]
    if grade <= 5:
        return [
            (f"{c}-{g}", f"{t} {'Kindergarten' if grade == 0 else 'Grade ' + str(grade)}", s)
            for c, t, s in _ELEM
        ]
    if grade <= 8:
        return [(f"{c}-{g}", f"{t} {grade}", s) for c, t, s in _MIDDLE]
    return _HIGH[grade]


@dataclass
class Catalog:
    """All class sections: course, school, grade, teacher and ids; plus lookup tables by (school, grade, slot)."""

    course_codes: list[str]
    course_titles: list[str]
    course_grades: list[int]
    course_sced: list[str]
    section_course: np.ndarray
    section_school: np.ndarray
    section_teacher: np.ndarray
    section_period: np.ndarray
    section_ids: list[str]
    teacher_ids: list[str]
    teacher_school: np.ndarray
    teacher_first: list[str]
    teacher_middle: list[str]
    teacher_last: list[str]
    slot_base: np.ndarray  # (schools, 13, MAX_SLOTS) first section index, -1 if the slot does not exist
    slot_count: np.ndarray  # (schools, 13, MAX_SLOTS) number of sections


def build_catalog(seed: int, n_students: int) -> Catalog:
    """Size sections for ``n_students`` (about 24 per section) and give every section a teacher."""
    rng = stream(seed, "catalog")
    codes: list[str] = []
    titles: list[str] = []
    cgrades: list[int] = []
    sced: list[str] = []
    for g in range(13):
        for code, title, s in courses_for_grade(g):
            codes.append(code)
            titles.append(title)
            cgrades.append(g)
            sced.append(s)
    index = {c: i for i, c in enumerate(codes)}
    s_course: list[int] = []
    s_school: list[int] = []
    s_teacher: list[int] = []
    s_period: list[int] = []
    s_ids: list[str] = []
    t_school: list[int] = []
    base = np.full((len(SCHOOLS), 13, MAX_SLOTS), -1, dtype=np.int64)
    count = np.zeros((len(SCHOOLS), 13, MAX_SLOTS), dtype=np.int64)
    for school in SCHOOLS:
        for g in LEVEL_GRADES[school.level]:
            expected = school_share(school, g, CHOICE_RATE) * n_students * 1.06
            k = max(1, int(np.ceil(expected / CLASS_SIZE)))
            homeroom_teachers = list(range(len(t_school), len(t_school) + k))
            if school.level == "elementary":
                t_school.extend([school.index] * k)
            for slot, (code, _, _) in enumerate(courses_for_grade(g)):
                base[school.index, g, slot] = len(s_course)
                count[school.index, g, slot] = k
                if school.level != "elementary":
                    teachers = list(range(len(t_school), len(t_school) + (k + 4) // 5))
                    t_school.extend([school.index] * len(teachers))
                for j in range(k):
                    s_course.append(index[code])
                    s_school.append(school.index)
                    period = slot + 1
                    s_period.append(period)
                    teacher = homeroom_teachers[j] if school.level == "elementary" else teachers[j // 5]
                    s_teacher.append(teacher)
                    room = (
                        100 + (teacher % 40)
                        if school.level == "elementary"
                        else 100 * (1 + slot % 3) + j % 40
                    )
                    s_ids.append(
                        f"{school.school_id}{period:02d}Trad{room}{code.replace('-', '')}{j + 1:03d}"
                    )
    n_t = len(t_school)
    sex = rng.choice(2, n_t, p=[0.74, 0.26])
    bank = name_bank()
    first = bank.first_names(rng, sex, rng.random(n_t) < 0.08)
    middle = np.where(rng.random(n_t) < 0.6, bank.first_names(rng, sex, np.zeros(n_t, dtype=bool)), "")
    last = bank.surnames(rng, rng.choice(3, n_t, p=[0.86, 0.1, 0.04]))
    return Catalog(
        codes, titles, cgrades, sced, np.array(s_course), np.array(s_school), np.array(s_teacher),
        np.array(s_period), s_ids, [str(200_001 + i) for i in range(n_t)], np.array(t_school),
        list(first), list(middle), list(last), base, count,
    )  # fmt: skip
