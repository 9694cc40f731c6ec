"""The columns of each OneRoster 1.1/1.2 CSV file the hub reads, which are required, and which are read but not kept."""

from __future__ import annotations

from dataclasses import dataclass

_COMMON = ("sourcedId", "status", "dateLastModified")


@dataclass(frozen=True)
class FileSpec:
    """The columns of one OneRoster CSV file (1.1 and 1.2 together) and which are required."""

    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    #: Columns whose values reach no canonical table (listed in the report as read but not kept).
    not_kept: tuple[str, ...] = ()


SPECS: dict[str, FileSpec] = {
    spec.name: spec
    for spec in (
        FileSpec(
            "orgs",
            (
                *_COMMON,
                "name",
                "type",
                "identifier",
                "parentSourcedId",
                "metadata.address1",
                "metadata.address2",
                "metadata.city",
                "metadata.postCode",
                "metadata.state",
                "metadata.latitude",
                "metadata.longitude",
            ),
            ("sourcedId", "name", "type"),
        ),
        FileSpec(
            "academicSessions",
            (*_COMMON, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
            ("sourcedId", "type", "startDate", "endDate", "schoolYear"),
            ("title",),
        ),
        FileSpec(
            "courses",
            (
                *_COMMON,
                "schoolYearSourcedId",
                "title",
                "courseCode",
                "grades",
                "orgSourcedId",
                "subjects",
                "subjectCodes",
                "resourceSourcedIds",
            ),
            ("sourcedId",),
            (
                "title",
                "courseCode",
                "grades",
                "orgSourcedId",
                "subjects",
                "subjectCodes",
                "resourceSourcedIds",
            ),
        ),
        FileSpec(
            "classes",
            (
                *_COMMON,
                "title",
                "grades",
                "courseSourcedId",
                "classCode",
                "classType",
                "location",
                "schoolSourcedId",
                "termSourcedIds",
                "subjects",
                "subjectCodes",
                "periods",
                "resources",
            ),
            ("sourcedId", "courseSourcedId", "schoolSourcedId", "termSourcedIds"),
            (
                "title",
                "grades",
                "classCode",
                "classType",
                "location",
                "subjects",
                "subjectCodes",
                "periods",
                "resources",
            ),
        ),
        FileSpec(
            "users",
            (
                *_COMMON,
                "enabledUser",
                "orgSourcedIds",
                "role",
                "username",
                "userIds",
                "givenName",
                "familyName",
                "middleName",
                "identifier",
                "email",
                "sms",
                "phone",
                "agentSourcedIds",
                "grades",
                "password",
                "userMasterIdentifier",
                "resourceSourcedIds",
                "preferredGivenName",
                "preferredMiddleName",
                "preferredFamilyName",
                "primaryOrgSourcedId",
                "pronouns",
            ),
            ("sourcedId", "givenName", "familyName"),
            (
                "enabledUser",
                "username",
                "identifier",
                "sms",
                "agentSourcedIds",
                "password",
                "userMasterIdentifier",
                "resourceSourcedIds",
                "preferredMiddleName",
                "pronouns",
            ),
        ),
        FileSpec(
            "roles",
            (
                *_COMMON,
                "userSourcedId",
                "roleType",
                "role",
                "beginDate",
                "endDate",
                "orgSourcedId",
                "userProfileSourcedId",
            ),
            ("userSourcedId", "role", "orgSourcedId"),
            ("beginDate", "endDate", "userProfileSourcedId"),
        ),
        FileSpec(
            "demographics",
            (
                *_COMMON,
                "birthDate",
                "sex",
                "americanIndianOrAlaskaNative",
                "asian",
                "blackOrAfricanAmerican",
                "nativeHawaiianOrOtherPacificIslander",
                "white",
                "demographicRaceTwoOrMoreRaces",
                "hispanicOrLatinoEthnicity",
                "countryOfBirthCode",
                "stateOfBirthAbbreviation",
                "cityOfBirth",
                "publicSchoolResidenceStatus",
            ),
            ("sourcedId",),
            # The race and ethnicity columns are kept (rolled up into person.race_ethnicity); birthplace and
            # residence status are not.
            (
                "countryOfBirthCode",
                "stateOfBirthAbbreviation",
                "cityOfBirth",
                "publicSchoolResidenceStatus",
            ),
        ),
        FileSpec(
            "enrollments",
            (
                *_COMMON,
                "classSourcedId",
                "schoolSourcedId",
                "userSourcedId",
                "role",
                "primary",
                "beginDate",
                "endDate",
            ),
            ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
            ("primary",),
        ),
    )
}
