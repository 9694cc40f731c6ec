"""``docs/indicators.md``, generated from the library so the page and the code cannot drift.

Run ``python -m commonground.questions.indicators.docs > docs/indicators.md``; a test compares the two.
"""

from __future__ import annotations

from .breakdowns import DIMENSIONS, TOTAL
from .library import INDICATORS
from .model import Indicator

HEADER = f"""# Indicators

Every chart on a question's dashboard is drawn from one of these indicators. Each is versioned: a change to
its definition or SQL makes a new version, and every release records the version and parameters it used.
The SQL (in `src/commonground/questions/indicators/`) runs on DuckDB over the canonical tables and, for
scale-out, on Apache Spark (the same SQL transpiled with sqlglot).

**Who is counted.** The unit is a *student-year*. A student is one person across organizations when the
hub's person registry links them (`hub_person_id`), otherwise one source record (organization + ID).
Each student-year counts once in every breakdown: at the school where it was enrolled the most instructional
days that year, in the grade of that enrollment. Days enrolled are the school's instructional days
(`calendar_date`) between entry and exit, or the totals a partner sends (`attendance_summary`).

**Results** are tidy cells: one column per breakdown (the value `{TOTAL}` marks a total; every combination of
totals is included), then `measure`, `numerator`, `denominator`, `value` (= numerator ÷ denominator) and
`students`. Before anything is published, disclosure avoidance hides small cells and anything they could be
recovered from (see `docs/decisions/0009-suppression-and-audit.md`).

## Breakdowns

| breakdown | meaning |
|---|---|
""" + "".join(f"| `{name}` | {text} |\n" for name, text in DIMENSIONS.items())


def _indicator(ind: Indicator) -> str:
    lines = [f"## {ind.title} (`{ind.ref}`)", ""]
    if not ind.available:
        lines += [f"**Not available:** {ind.unavailable_reason}", "", f"**Definition.** {ind.definition}", ""]
        return "\n".join(lines)
    lines += [f"**Definition.** {ind.definition}", "", f"**How to read this.** {ind.how_to_read}", ""]
    if ind.caveat:
        lines += [f"**Caveat.** {ind.caveat}", ""]
    lines += ["| measure | numerator ÷ denominator |", "|---|---|"]
    lines += [f"| `{m.id}` | {m.label} |" for m in ind.measures]
    lines += ["", f"**Breakdowns:** {', '.join(f'`{b}`' for b in ind.breakdowns)}", ""]
    if ind.params:
        lines += ["| parameter | default | allowed | meaning |", "|---|---|---|---|"]
        for p in ind.params:
            allowed = (
                f"{p.minimum:g}–{p.maximum:g}" if p.minimum is not None and p.maximum is not None else "text"
            )
            default = p.default if p.default != "" else "(empty)"
            lines.append(f"| `{p.name}` | {default} | {allowed} | {p.help} |")
        lines.append("")
    return "\n".join(lines)


def render_markdown() -> str:
    """The whole page."""
    return HEADER + "\n" + "\n".join(_indicator(i) for i in INDICATORS.values())


if __name__ == "__main__":
    print(render_markdown(), end="")
