"""Names in consents and directory opt-outs encrypted at rest (core.encrypted_fields); existing rows sealed."""

from typing import Any

from django.db import migrations

import commonground.core.encrypted_fields

#: model → its encrypted columns.
ENCRYPTED = {
    "consent": ("student_name", "signer_name", "verified_identity", "revocation_requested_by"),
    "directoryoptout": ("student_name", "requested_by"),
}


def seal_existing(apps: Any, schema_editor: Any) -> None:
    """Encrypt the values written before the columns were encrypted (the field leaves sealed ones alone)."""
    from commonground.core.encrypted_fields import PREFIX, seal

    for model_name, columns in ENCRYPTED.items():
        model = apps.get_model("governance", model_name)
        table = model._meta.db_table
        for row in model.objects.all().values("pk", *columns):
            changed = {
                c: seal(table, c, row[c]) for c in columns if row[c] and not str(row[c]).startswith(PREFIX)
            }
            if changed:
                model.objects.filter(pk=row["pk"]).update(**changed)


def field(**kwargs: Any) -> Any:
    return commonground.core.encrypted_fields.EncryptedTextField(max_length=200, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("governance", "0004_destruction_certificate"),
    ]

    operations = [
        migrations.AlterModelOptions(name="consent", options={"ordering": ["-signed_on", "-id"]}),
        migrations.AlterModelOptions(name="directoryoptout", options={"ordering": ["-received_on", "-id"]}),
        migrations.AlterField(model_name="consent", name="student_name", field=field()),
        migrations.AlterField(model_name="consent", name="signer_name", field=field()),
        migrations.AlterField(
            model_name="consent",
            name="verified_identity",
            field=field(
                blank=True,
                help_text="Electronic: the authenticated account or document that identified the signer.",
            ),
        ),
        migrations.AlterField(model_name="consent", name="revocation_requested_by", field=field(blank=True)),
        migrations.AlterField(model_name="directoryoptout", name="student_name", field=field()),
        migrations.AlterField(model_name="directoryoptout", name="requested_by", field=field()),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
    ]
