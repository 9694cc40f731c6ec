"""Questions that lead to action: the Django-free engines under the question catalog.

- :mod:`.indicators` — the versioned indicator library: SQL over the canonical tables (DuckDB by default,
  transpiled to Spark SQL for scale-out) producing tidy cells with every margin of the requested breakdowns.
- :mod:`.suppression` — disclosure avoidance: primary and complementary suppression, and the release audit
  that computes what an attacker could infer about every hidden cell (linear programming) before anything is
  published.

Nothing in this package imports Django; the Django app (catalog, releases, dashboards) is built around it.
"""
