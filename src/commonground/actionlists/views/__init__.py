"""Pages of action lists and data requests."""
