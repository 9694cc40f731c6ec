"""The action list without the gate, for the load benchmark's baseline only (served under ``load_settings``).

The same roster, the same rows read from the same cache, the same filtering, sorting, page and template as
``/students/`` — but every element of every student counts as allowed, nothing is asked of the gate and nothing
is recorded.  The difference between the two pages is what the gate (its decision about the whole roster, the
masking of each row by it, and the records of disclosure of the page) costs.  Never part of the package.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import View

from commonground.actionlists import access as access_mod
from commonground.actionlists import listing
from commonground.actionlists.access import Masked
from commonground.actionlists.views.students import list_context


class OpenAccess:
    """Everything allowed, nothing recorded: the duck type of :class:`access_mod.Access` the list needs."""

    def allows(self, subject: str, element: str) -> bool:
        """Every element of every student."""
        return True

    def allows_all(self, subject: str, elements: Any) -> bool:
        """Every element of every student."""
        return True

    def decided(self) -> tuple[Any, ...]:
        """No decisions."""
        return ()

    def signature(self, subject: str) -> tuple[Any, ...]:
        """One key for every student: nothing is masked."""
        return ("ungated",)

    def mask(self, subject: str, records: Any, parents: Any) -> Masked:
        """Every row as read."""
        return Masked({t: [row for _org, row in rows] for t, rows in records.items()}, (), None)


class UngatedStudentListView(LoginRequiredMixin, View):
    """``/students/`` without the gate."""

    def get(self, request: HttpRequest) -> HttpResponse:
        """The same page as the hub's list, built without authorize, masking or disclosure records."""
        query = listing.Query.from_get(request.GET)
        subjects = access_mod.roster(request.user)
        result = listing.assemble(OpenAccess(), subjects, query, page=query.page)
        return render(request, "actionlists/student_list.html", list_context(request, query, result))
