"""The audit hash chain: sequence numbers and hashes on every entry, the chain head, signed checkpoints.

Entries written before this migration are chained in id order, so an existing hub's log verifies afterwards.
"""

import datetime as dt

from django.db import migrations, models

from commonground.core import chain


def chain_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    event_model = apps.get_model("core", "AuditEvent")
    head_model = apps.get_model("core", "AuditChainHead")
    prev, seq = chain.GENESIS, 0
    for event in event_model.objects.order_by("id").iterator():
        seq += 1
        entry = chain.Entry(
            seq=seq,
            at=event.at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=event.object_id,
            summary=event.summary,
            details=chain.normalise_details(event.details),
            prev_hash=prev,
            entry_hash="",
        ).sealed()
        event_model.objects.filter(pk=event.pk).update(
            seq=seq, prev_hash=prev, entry_hash=entry.entry_hash, details=entry.details
        )
        prev = entry.entry_hash
    head_model.objects.update_or_create(pk=1, defaults={"size": seq, "head_hash": prev})


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(
                default="", help_text="The previous entry's hash (64 zeros for the first).", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="entry_hash",
            field=models.CharField(
                default="", help_text="SHA-256 over prev_hash and this entry's fields.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("head_hash", models.CharField(max_length=64)),
            ],
        ),
        migrations.CreateModel(
            name="AuditCheckpoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("size", models.PositiveBigIntegerField()),
                ("head_hash", models.CharField(max_length=64)),
                (
                    "merkle_root",
                    models.CharField(blank=True, help_text="RFC 6962 tree head, when computed.", max_length=64),
                ),
                ("at", models.DateTimeField()),
                (
                    "public_key",
                    models.CharField(help_text="The signer's raw Ed25519 public key, hex.", max_length=64),
                ),
                ("signature", models.CharField(max_length=128)),
            ],
            options={"ordering": ["size"]},
        ),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(
                help_text="Position in the chain: 1, 2, 3 … without gaps.", unique=True
            ),
        ),
        migrations.AlterModelOptions(name="auditevent", options={"ordering": ["seq"]}),
    ]
