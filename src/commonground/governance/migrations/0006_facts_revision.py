"""The revision of the gate's facts: a one-row table and the triggers that change it on every write to a table the
gate's facts are read from (``governance/facts.py``; ``tests/governance/test_facts_revision.py`` fails when
``facts.load`` reads a table without them)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import migrations, models

#: (app, model, many-to-many field or "") of every table ``facts.load`` reads.
FACT_TABLES = [
    ("people", "Membership", ""),
    ("people", "TrainingRecord", ""),
    ("portal", "FamilyLink", ""),
    ("ecosystem", "Organization", ""),
    ("governance", "Agreement", ""),
    ("governance", "AgreementParty", ""),
    ("governance", "Agreement", "population_schools"),
    ("governance", "Agreement", "required_training"),
    ("governance", "PopulationFact", ""),
    ("governance", "Consent", ""),
    ("governance", "Consent", "recipients"),
    ("governance", "DirectoryOptOut", ""),
    ("governance", "DirectoryDesignation", ""),
    ("governance", "Hold", ""),
]
REVISION = "governance_factsrevision"
SQLITE_BUMP = (
    f"INSERT INTO {REVISION} (id, counter, token) VALUES (1, 1, lower(hex(randomblob(16)))) "
    "ON CONFLICT(id) DO UPDATE SET counter = counter + 1, token = excluded.token;"
)
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION cg_facts_revision_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {REVISION} (id, counter, token) VALUES (1, 1, gen_random_uuid()::text)
  ON CONFLICT (id) DO UPDATE SET counter = {REVISION}.counter + 1, token = EXCLUDED.token;
  RETURN NULL;
END $$;
"""


def _tables(apps: Any) -> list[str]:
    out = []
    for app, name, m2m in FACT_TABLES:
        model = apps.get_model(app, name)
        if m2m:
            model = model._meta.get_field(m2m).remote_field.through
        out.append(model._meta.db_table)
    return out


def install(apps: Any, schema_editor: Any) -> None:
    """Create the row and, per table, triggers that replace its token after every insert, update and delete."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FUNCTION)
    for table in _tables(apps):
        if vendor == "sqlite":
            for op in ("INSERT", "UPDATE", "DELETE"):
                schema_editor.execute(
                    f'CREATE TRIGGER "cg_facts_{table}_{op.lower()}" AFTER {op} ON "{table}" BEGIN {SQLITE_BUMP} END'
                )
        elif vendor == "postgresql":
            # Per statement: a rebuild of the population index bumps the revision once, not once per row.
            schema_editor.execute(
                f'CREATE TRIGGER cg_facts_revision AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION cg_facts_revision_bump()"
            )
            schema_editor.execute(
                f'CREATE TRIGGER cg_facts_revision_truncate AFTER TRUNCATE ON "{table}" '
                "FOR EACH STATEMENT EXECUTE FUNCTION cg_facts_revision_bump()"
            )
        else:  # another database would cache facts without knowing when they change
            raise RuntimeError(f"the facts revision has no triggers for {vendor}")
    schema_editor.execute(
        f"INSERT INTO {REVISION} (id, counter, token) VALUES (1, 0, %s)", [secrets.token_hex(16)]
    )


def uninstall(apps: Any, schema_editor: Any) -> None:
    """Drop the triggers (the table goes with the model)."""
    vendor = schema_editor.connection.vendor
    for table in _tables(apps):
        if vendor == "sqlite":
            for op in ("insert", "update", "delete"):
                schema_editor.execute(f'DROP TRIGGER IF EXISTS "cg_facts_{table}_{op}"')
        elif vendor == "postgresql":
            schema_editor.execute(f'DROP TRIGGER IF EXISTS cg_facts_revision ON "{table}"')
            schema_editor.execute(f'DROP TRIGGER IF EXISTS cg_facts_revision_truncate ON "{table}"')
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS cg_facts_revision_bump()")


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0005_encrypted_names"),
        ("people", "0001_initial"),
        ("portal", "0001_family_portal"),
        ("ecosystem", "0002_dataflow_agreement"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactsRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("counter", models.BigIntegerField(default=0)),
                ("token", models.CharField(default="", max_length=64)),
            ],
            options={"verbose_name": "facts revision"},
        ),
        migrations.RunPython(install, uninstall),
    ]
