"""The written agreement as a document: sections built from a snapshot, rendered as HTML, PDF (fpdf2) and the
plain text that version diffs compare.  Every element the basis requires has its section, with its citation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string
from fpdf import FPDF

from commonground.governance import elements as catalog
from commonground.governance.choices import AgreementStatus
from commonground.governance.requirements import (
    BASIS_CITATION,
    AgreementFacts,
    Missing,
    missing,
    requirements_for,
)
from commonground.governance.requirements import heading as requirement_heading
from commonground.governance.snapshot import facts, labels, law_label

NOT_STATED = "Not stated."
USE_LIMITED = (
    "The recipient will use personally identifiable information from education records only to meet the purpose "
    "stated in this agreement."
)
NO_IDENTIFICATION = (
    "The recipient will conduct its work in a manner that does not permit personal identification of parents and "
    "students by anyone other than its representatives with legitimate interests in it."
)
NEED_TO_KNOW = "Only these staff of the recipient, and only those with a legitimate interest in a student, may see the data."
CONSENT_CONDITION = (
    "Records flow only for students whose parent, or who as an eligible student, has signed and dated a written "
    "consent naming these records, this purpose and the recipient. A revoked or expired consent stops the flow at once."
)
DESTRUCTION_DUTY = (
    "The recipient will destroy all personally identifiable information from education records when it is no "
    "longer needed for the purpose of this agreement, and certify the destruction to the disclosing organization."
)


@dataclass
class Section:
    """One part of the document: a heading, its citation(s), paragraphs and list items."""

    key: str
    heading: str
    citations: list[str] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


def long_date(value: str | None) -> str:
    """``2025-09-01`` → ``September 1, 2025`` (empty for no date)."""
    if not value:
        return ""
    day = dt.date.fromisoformat(value)
    return f"{day:%B} {day.day}, {day.year}"


def _names(orgs: list[dict[str, str]]) -> str:
    return ", ".join(o["name"] for o in orgs)


def _content(snap: dict[str, Any], f: AgreementFacts) -> dict[str, tuple[list[str], list[str]]]:
    """For each section key: (paragraphs, items); empty paragraphs and items mean nothing is stated."""
    names = labels(snap)
    parties = snap["parties"]
    directory = snap.get("directory")
    start, end = long_date(snap["starts_on"]), long_date(snap["ends_on"])
    text = {k: (snap.get(k) or "").strip() for k in snap if isinstance(snap.get(k), str)}
    p = [
        *([f"Disclosing: {_names(parties['disclosing'])}."] if parties["disclosing"] else []),
        *([f"Recipient: {_names(parties['recipient'])}."] if parties["recipient"] else []),
        *([f"Hub: {_names(parties['hub'])}."] if parties["hub"] else []),
    ]
    return {
        "parties": (p, []),
        "basis": (
            [f"{names['legal_basis']}.", f"This agreement is made under {BASIS_CITATION[f.basis]}."],
            [],
        ),
        "purpose": (
            [text["purpose"], f"Category: {names['purpose_category']}."] if text["purpose"] else [],
            [],
        ),
        "study_aim": (
            [f"{names['study_aim']}, for and on behalf of the disclosing organization."]
            if names["study_aim"]
            else [],
            [],
        ),
        "evaluated_program": ([text["evaluated_program"]] if text["evaluated_program"] else [], []),
        "activity": ([text["activity_description"]] if text["activity_description"] else [], []),
        "institutional_function": (
            [text["institutional_function"]] if text["institutional_function"] else [],
            [],
        ),
        "direct_control": ([text["direct_control"]] if text["direct_control"] else [], []),
        "annual_notice": ([text["annual_notice_criteria"]] if text["annual_notice_criteria"] else [], []),
        "consent_form": ([text["consent_form"], CONSENT_CONDITION] if text["consent_form"] else [], []),
        "authorized_representative": (
            [
                f"{_names(parties['disclosing'])} designates {_names(parties['recipient'])} as its authorized "
                "representative to carry out the audit or evaluation described in this agreement."
            ]
            if f.designates_authorized_representative
            else [],
            [],
        ),
        "scope": ([f.population] if f.population else [], []),
        "information": (
            [f"{len(f.elements)} data elements of the canonical model:"] if f.elements else [],
            [f"{catalog.label(e)} ({e})" for e in f.elements],
        ),
        "governing_law": (
            [],
            [
                f"{table}: {law_label(snap['governing_laws'].get(table, '')) or NOT_STATED}"
                for table in catalog.tables(f.elements)
            ],
        ),
        "directory_designated": (
            [
                f"Designated as directory information in the public notice of {directory['notice']}. Students whose "
                "parent or who as eligible students opted out are excluded."
            ]
            if directory
            else [],
            [],
        ),
        "no_pii": (
            ["No element identifies a student directly or indirectly."]
            if f.elements and not any(e in catalog.IDENTIFYING for e in f.elements)
            else [],
            [],
        ),
        "deidentification": (
            [text["deidentification_method"]] if text["deidentification_method"] else [],
            [],
        ),
        "recipient_roles": ([f"{names['roles']}.", NEED_TO_KNOW] if f.recipient_roles else [], []),
        "duration": ([f"From {start} to {end}."] if start and end else [], []),
        "use_limited": ([USE_LIMITED] if f.limits_use_to_purpose else [], []),
        "no_identification": ([NO_IDENTIFICATION] if f.restricts_identification else [], []),
        "protection_policies": ([text["protection_policies"]] if text["protection_policies"] else [], []),
        "redisclosure": ([text["redisclosure_terms"]] if text["redisclosure_terms"] else [], []),
        "destruction": (
            [DESTRUCTION_DUTY, f"Method: {text['destruction_method']}"] if text["destruction_method"] else [],
            [],
        ),
        "destruction_deadline": (
            [
                f"All personally identifiable information is destroyed no later than {long_date(snap['destruction_deadline'])}."
            ]
            if snap["destruction_deadline"]
            else [],
            [],
        ),
    }


_ORDER = (
    "parties",
    "basis",
    "purpose",
    "study_aim",
    "evaluated_program",
    "activity",
    "institutional_function",
    "direct_control",
    "annual_notice",
    "consent_form",
    "authorized_representative",
    "scope",
    "information",
    "governing_law",
    "directory_designated",
    "no_pii",
    "deidentification",
    "recipient_roles",
    "duration",
    "use_limited",
    "no_identification",
    "protection_policies",
    "redisclosure",
    "destruction",
    "destruction_deadline",
)
_HEADINGS = {"basis": "Legal basis"}


def sections(snap: dict[str, Any]) -> list[Section]:
    """The document's sections: every element the basis requires (marked "Not stated." when absent), the
    optional ones that have content, then training, extra clauses and signatures."""
    f = facts(snap)
    reqs = {r.key: r for r in requirements_for(f.basis)}
    content = _content(snap, f)
    result = []
    for key in _ORDER:
        paragraphs, items = content[key]
        required = key in reqs
        if not (required or paragraphs or items) or (
            key in ("no_pii", "directory_designated") and not required
        ):
            continue
        heading = reqs[key].heading if required else _HEADINGS.get(key) or requirement_heading(key)
        citations = [reqs[key].citation] if required else []
        result.append(Section(key, heading, citations, paragraphs or ([] if items else [NOT_STATED]), items))
    training = snap["required_training"]
    result.append(
        Section(
            "training",
            "Required training",
            [],
            ["Each person who sees the data must have completed, and keep current:"]
            if training
            else ["None."],
            [f"{c['name']} (current for {c['valid_for_days']} days after completion)" for c in training],
        )
    )
    for clause in snap["extra_clauses"]:
        source = f" ({clause['source']})" if clause.get("source") else ""
        result.append(Section("clause", f"{clause['title']}{source}", [], [clause.get("text", "")], []))
    result.append(
        Section(
            "signatures",
            "Signatures",
            [],
            [] if snap["signatories"] else ["No signatories yet."],
            [
                f"{s['name']}, {s['title']}, {s['organization']}: "
                + (f"signed {long_date(s['signed_on'])}" if s["signed_on"] else "not yet signed")
                for s in snap["signatories"]
            ],
        )
    )
    return result


def checklist(snap: dict[str, Any]) -> list[tuple[str, str, Missing | None]]:
    """Each required element: (heading, citation, what is missing or ``None``)."""
    found = {m.key: m for m in missing(facts(snap))}
    return [(r.heading, r.citation, found.get(r.key)) for r in requirements_for(snap["legal_basis"])]


def canonical_text(snap: dict[str, Any]) -> str:
    """The agreement as plain text, one statement per line — what the version diff compares."""
    lines = [f"{snap['reference']}: {snap['title']}", f"Status: {snap['status']}"]
    for section in sections(snap):
        lines.append("")
        lines.append(
            f"## {section.heading}" + (f" [{'; '.join(section.citations)}]" if section.citations else "")
        )
        lines.extend(section.paragraphs)
        lines.extend(f"- {item}" for item in section.items)
    return "\n".join(lines) + "\n"


def render_html(snap: dict[str, Any], **context: Any) -> str:
    """The document's HTML body (the page template wraps it)."""
    return render_to_string(
        "governance/agreement_document_body.html",
        {
            "snap": snap,
            "status_label": AgreementStatus(snap["status"]).label,
            "sections": sections(snap),
            "checklist": checklist(snap),
            **context,
        },
    )


_PDF_REPLACE = str.maketrans({"→": "->", "≤": "<=", "≥": ">=", "✓": "v", "\u00a0": " "})


def _pdf_text(value: str) -> str:
    """Text the PDF's core fonts can show (Windows-1252); anything else becomes "?"."""
    return value.translate(_PDF_REPLACE).encode("cp1252", errors="replace").decode("cp1252")


def render_pdf(snap: dict[str, Any], *, compress: bool = True) -> bytes:
    """The document as a PDF (core fonts only: no font files, no system libraries)."""
    pdf = FPDF(format="Letter")
    pdf.set_compression(compress)
    pdf.set_title(_pdf_text(f"{snap['reference']}: {snap['title']}"))
    pdf.set_creation_date(dt.datetime(2000, 1, 1, tzinfo=dt.UTC))  # reproducible bytes for the same terms
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    width = pdf.epw

    def write(txt: str, size: float = 10.5, style: str = "", gap: float = 1.5) -> None:
        pdf.set_font("Helvetica", style, size)
        pdf.multi_cell(width, size * 0.5, _pdf_text(txt), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    write(snap["title"], 16, "B")
    write(
        f"Agreement {snap['reference']}, version {snap['version']}, status: {AgreementStatus(snap['status']).label.lower()}",
        10,
    )
    for section in sections(snap):
        cite = f"  [{'; '.join(section.citations)}]" if section.citations else ""
        write(section.heading + cite, 12, "B", 0.5)
        for paragraph in section.paragraphs:
            write(paragraph)
        for item in section.items:
            write(f"- {item}", gap=0.5)
        pdf.ln(2)
    write("Checklist of required elements", 12, "B", 0.5)
    for title, citation, gap in checklist(snap):
        write(f"{'MISSING' if gap else 'Present'}: {title} ({citation})", gap=0.5)
    return bytes(pdf.output())
