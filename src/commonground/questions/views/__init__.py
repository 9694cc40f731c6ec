"""Pages of the question catalog (the dashboards live in :mod:`.dashboard`)."""
