"""The parts of the demo community the generator does not describe: the hub, a city office, a funder, a
research partner, and the flows that connect every system to the hub."""

from __future__ import annotations

from typing import Any

HUB: dict[str, Any] = {
    "slug": "common-ground-hub",
    "name": "Common Ground Hub",
    "kind": "hub",
    "description": "The neutral local data hub: links records across organizations and shares only what "
    "agreements, FERPA and consent allow.",
    "systems": [
        {
            "name": "Common Ground",
            "vendor": "Common Ground (open source)",
            "kind": "hub",
            "data_held": "Linked student records from the district and partners; agreements, consents and the "
            "record of disclosures.",
            "export_formats": "Need-to-know lists (web, CSV, XLSX), suppressed aggregate releases (CSV)",
            "legal_constraints": "FERPA (34 CFR Part 99) for education records; each dataset's own law (HIPAA, "
            "HUD HMIS) as its agreement says.",
            "technical_constraints": "Runs on one server; PostgreSQL in production.",
        }
    ],
}

OTHER_ORGANIZATIONS: list[dict[str, Any]] = [
    {
        "slug": "office-of-children-and-youth",
        "name": "City Office of Children and Youth",
        "kind": "city",
        "description": "Coordinates the city's youth services and reports to the mayor and council.",
        "systems": [
            {
                "name": "Youth services dashboard",
                "vendor": "City IT",
                "kind": "spreadsheet",
                "data_held": "De-identified indicators by neighborhood; program capacity by site.",
                "export_formats": "XLSX",
                "reporting_mandates": "Annual report to the city council on youth outcomes.",
            }
        ],
    },
    {
        "slug": "community-foundation",
        "name": "Community Foundation",
        "kind": "funder",
        "description": "Funds after-school and mentoring programs; asks grantees for evidence of results.",
        "systems": [
            {
                "name": "Grants management system",
                "vendor": "Fictional Grants Co.",
                "kind": "other",
                "data_held": "Grants, grantee reports, aggregate outcome figures.",
                "export_formats": "CSV",
                "reporting_mandates": "Board reports on grant outcomes twice a year.",
            }
        ],
    },
    {
        "slug": "state-university-research-center",
        "name": "State University Center for Education Research",
        "kind": "agency",
        "description": "Evaluates community programs for the district under a studies agreement.",
        "systems": [
            {
                "name": "Secure research enclave",
                "vendor": "University research computing",
                "kind": "other",
                "data_held": "De-identified and limited extracts for approved studies only.",
                "export_formats": "Parquet, CSV",
                "legal_constraints": "FERPA studies exception 99.31(a)(6); IRB approval; destruction at study end.",
            }
        ],
    },
]


def flows_for(manifest: dict[str, Any]) -> list[dict[str, str]]:
    """Data flows of the demo community, as (source org, source system, target org, target system, ...)."""
    hub_org, hub_sys = HUB["slug"], HUB["systems"][0]["name"]
    district = manifest["district"]
    systems = {s["kind"]: s["name"] for s in district["systems"]}
    sis = systems.get("sis", district["systems"][0]["name"])
    flows: list[dict[str, str]] = [
        _flow(
            district["slug"],
            sis,
            hub_org,
            hub_sys,
            "Rosters, enrollments and demographics (OneRoster 1.1 CSV)",
            "daily",
            "sftp",
        ),
        _flow(
            district["slug"],
            sis,
            hub_org,
            hub_sys,
            "Attendance, course grades, discipline and assessments (Ed-Fi XML)",
            "weekly",
            "sftp",
        ),
    ]
    if "lms" in systems:
        flows.append(
            _flow(
                district["slug"],
                systems["lms"],
                district["slug"],
                sis,
                "Course grades from teachers' gradebooks",
                "daily",
                "api",
            )
        )
    for partner in manifest["partners"]:
        name = partner["systems"][0]["name"]
        flows.append(
            _flow(
                partner["slug"],
                name,
                hub_org,
                hub_sys,
                "Participant roster and program attendance or service contacts",
                "monthly",
                "upload",
            )
        )
        if partner["kind"] == "nonprofit":
            flows.append(
                _flow(
                    hub_org,
                    hub_sys,
                    partner["slug"],
                    name,
                    "Need-to-know lists: attendance and grades of participants, where allowed",
                    "weekly",
                    "portal",
                )
            )
    for org in OTHER_ORGANIZATIONS:
        sink = org["systems"][0]["name"]
        what = (
            "De-identified and limited extracts for an approved study"
            if org["kind"] == "agency"
            else "De-identified indicators (published, suppressed releases)"
        )
        flows.append(_flow(hub_org, hub_sys, org["slug"], sink, what, "term", "release"))
    return flows


def _flow(so: str, ss: str, to: str, ts: str, what: str, frequency: str, method: str) -> dict[str, str]:
    return {
        "source_org": so,
        "source_system": ss,
        "target_org": to,
        "target_system": ts,
        "what": what,
        "frequency": frequency,
        "method": method,
    }
