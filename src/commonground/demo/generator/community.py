"""The fictional city of Harbor Falls: neighborhoods, streets, attendance zones and the district's schools."""

from __future__ import annotations

from dataclasses import dataclass

CITY = "Harbor Falls"
STATE = "IL"
CITY_LAT = 41.512
CITY_LON = -90.581
DISTRICT_ID = (
    "417300"  # state LEA identifier; school ids extend it like the Grand Bend sample (255901 -> 255901001)
)

GRADES = ("KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12")
GRADE_NAMES = (
    "Kindergarten", "First grade", "Second grade", "Third grade", "Fourth grade", "Fifth grade", "Sixth grade",
    "Seventh grade", "Eighth grade", "Ninth grade", "Tenth grade", "Eleventh grade", "Twelfth grade",
)  # fmt: skip
LEVEL_GRADES = {"elementary": range(0, 6), "middle": range(6, 9), "high": range(9, 13)}


@dataclass(frozen=True)
class Neighborhood:
    """A named part of the city with its own streets and ZIP code; ``need`` drives absence and program reach."""

    name: str
    latitude: float
    longitude: float
    zip_code: str
    weight: float  # share of the district's families
    need: float  # 0 (comfortable) .. 1 (high need)
    streets: tuple[str, ...]


@dataclass(frozen=True)
class School:
    """One school of the district and the neighborhoods whose children it serves."""

    index: int
    slug: str
    name: str
    school_id: str
    level: str
    neighborhood: str
    street: str
    latitude: float
    longitude: float
    zones: tuple[
        tuple[str, float], ...
    ]  # (neighborhood, share of that neighborhood's children at this level)

    @property
    def grades(self) -> list[str]:
        """Grade codes (OneRoster style: KG, 01 .. 12) that the school teaches."""
        return [GRADES[g] for g in LEVEL_GRADES[self.level]]

    @property
    def address(self) -> str:
        """Street address of the school."""
        return f"{self.street}, {CITY}, {STATE}"


NEIGHBORHOODS: tuple[Neighborhood, ...] = (
    Neighborhood("Riverside", 41.5042, -90.5921, "61290", 0.20, 0.35,
                 ("River Dr", "Front St", "Levee Rd", "Mill St", "Ferry Ave", "Willow St", "Dock St", "Bridge Ave")),
    Neighborhood("Oak Hill", 41.5271, -90.6043, "61291", 0.15, 0.10,
                 ("Oak Hill Rd", "Acorn Ct", "Summit Ave", "Ridge Rd", "Chestnut St", "Highland Ave", "Park Pl")),
    Neighborhood("Millbrook", 41.5188, -90.5612, "61292", 0.19, 0.70,
                 ("Millbrook Ave", "Grain St", "Elevator Rd", "Spring St", "Maple Ave", "4th St", "5th St")),
    Neighborhood("East Bluff", 41.5093, -90.5398, "61293", 0.17, 0.85,
                 ("Bluff Rd", "Eastview Dr", "Cliff St", "Prairie Ave", "Union St", "12th Ave", "13th Ave")),
    Neighborhood("Cedar Park", 41.5356, -90.5719, "61294", 0.14, 0.30,
                 ("Cedar Park Dr", "Birch Ln", "Aspen Ct", "Juniper Way", "Elm St", "Linden Ave", "Pine St")),
    Neighborhood("Northgate", 41.5502, -90.5877, "61295", 0.15, 0.50,
                 ("Northgate Blvd", "Kennedy Dr", "Lincoln Rd", "Meadow Ln", "Orchard St", "Sunset Dr", "Harvest Rd")),
)  # fmt: skip
NEIGHBORHOOD_INDEX = {n.name: i for i, n in enumerate(NEIGHBORHOODS)}


def _school(i: int, slug: str, name: str, level: str, hood: str, street: str, dlat: float, dlon: float,
            zones: tuple[tuple[str, float], ...]) -> School:  # fmt: skip
    nb = NEIGHBORHOODS[NEIGHBORHOOD_INDEX[hood]]
    sid = f"{DISTRICT_ID}{(100 if level == 'elementary' else 200 if level == 'middle' else 300) + i:03d}"
    return School(i, slug, name, sid, level, hood, street, round(nb.latitude + dlat, 5),
                  round(nb.longitude + dlon, 5), zones)  # fmt: skip


SCHOOLS: tuple[School, ...] = (
    _school(0, "riverside-elementary", "Riverside Elementary School", "elementary", "Riverside", "410 River Dr",
            0.002, -0.003, (("Riverside", 0.55),)),
    _school(1, "lincoln-elementary", "Lincoln Elementary School", "elementary", "Riverside", "1220 Mill St",
            -0.004, 0.005, (("Riverside", 0.45),)),
    _school(2, "oak-hill-elementary", "Oak Hill Elementary School", "elementary", "Oak Hill", "75 Summit Ave",
            0.001, 0.002, (("Oak Hill", 1.0),)),
    _school(3, "millbrook-elementary", "Millbrook Elementary School", "elementary", "Millbrook",
            "900 Millbrook Ave", -0.002, 0.001, (("Millbrook", 1.0),)),
    _school(4, "douglass-elementary", "Frederick Douglass Elementary School", "elementary", "East Bluff",
            "1501 Prairie Ave", 0.003, -0.002, (("East Bluff", 1.0),)),
    _school(5, "cedar-park-elementary", "Cedar Park Elementary School", "elementary", "Cedar Park",
            "300 Birch Ln", -0.001, 0.003, (("Cedar Park", 1.0),)),
    _school(6, "northgate-elementary", "Northgate Elementary School", "elementary", "Northgate",
            "2100 Meadow Ln", 0.002, 0.002, (("Northgate", 1.0),)),
    _school(7, "jefferson-middle", "Jefferson Middle School", "middle", "Riverside", "600 Ferry Ave",
            0.006, 0.004, (("Riverside", 1.0), ("Oak Hill", 1.0))),
    _school(8, "sojourner-truth-middle", "Sojourner Truth Middle School", "middle", "Millbrook", "45 Spring St",
            0.004, -0.006, (("Millbrook", 1.0), ("East Bluff", 1.0))),
    _school(9, "northgate-middle", "Northgate Middle School", "middle", "Cedar Park", "1800 Juniper Way",
            0.005, -0.004, (("Cedar Park", 1.0), ("Northgate", 1.0))),
    _school(10, "harbor-falls-high", "Harbor Falls High School", "high", "Oak Hill", "1 Ridge Rd",
            -0.006, 0.007, (("Riverside", 1.0), ("Oak Hill", 1.0), ("Cedar Park", 1.0))),
    _school(11, "east-bluff-high", "East Bluff High School", "high", "East Bluff", "2400 Bluff Rd",
            0.007, 0.006, (("Millbrook", 1.0), ("East Bluff", 1.0), ("Northgate", 1.0))),
)  # fmt: skip
SCHOOLS_BY_LEVEL = {lvl: [s.index for s in SCHOOLS if s.level == lvl] for lvl in LEVEL_GRADES}


def target_chronic_absence(school: School) -> float:
    """The school's chronic-absence target (share of students missing >= 10% of enrolled days), 0.12-0.32."""
    need = sum(NEIGHBORHOODS[NEIGHBORHOOD_INDEX[h]].need for h, _ in school.zones) / len(school.zones)
    bump = {"elementary": 0.0, "middle": 0.03, "high": 0.06}[school.level]
    return round(min(0.32, max(0.12, 0.11 + 0.18 * need + bump)), 3)


def zone_table() -> dict[str, list[list[tuple[int, float]]]]:
    """For each level, for each neighborhood index: the (school index, share) pairs of its attendance zone."""
    table: dict[str, list[list[tuple[int, float]]]] = {}
    for level in LEVEL_GRADES:
        per_nb: list[list[tuple[int, float]]] = [[] for _ in NEIGHBORHOODS]
        for s in SCHOOLS:
            if s.level == level:
                for hood, share in s.zones:
                    per_nb[NEIGHBORHOOD_INDEX[hood]].append((s.index, share))
        table[level] = per_nb
    return table


def school_share(school: School, grade: int, choice_rate: float) -> float:
    """Expected share of all district students who are in ``grade`` at ``school`` (for sizing class sections)."""
    if grade not in LEVEL_GRADES[school.level]:
        return 0.0
    zoned = sum(NEIGHBORHOODS[NEIGHBORHOOD_INDEX[h]].weight * share for h, share in school.zones)
    n_level = len(SCHOOLS_BY_LEVEL[school.level])
    return ((1 - choice_rate) * zoned + choice_rate / n_level) / len(GRADES)
