"""Governance pages.  Views are thin: forms validate, actions write."""
