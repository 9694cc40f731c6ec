"""The revision of the gate's facts: one row that database triggers change on every write to a table the gate's
facts are read from (:mod:`commonground.governance.revision`)."""

from __future__ import annotations

from django.db import models


class FactsRevision(models.Model):
    """A single row (id 1): a count of writes and a random token that every write replaces.

    Written only by triggers on the facts' tables (migration ``0006_facts_revision``), never by the ORM, so no
    code path — ``bulk_create``, ``update()``, raw SQL, a restore — can change a fact without changing the token.
    The token, not the count, says whether facts read earlier are still current: a rolled-back write's token is
    never seen again, whereas a count could come back to the same number after a rollback.
    """

    counter = models.BigIntegerField(default=0)
    token = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "facts revision"

    def __str__(self) -> str:
        return f"facts revision {self.counter} ({self.token[:8]})"
