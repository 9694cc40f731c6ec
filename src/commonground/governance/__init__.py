"""Governance: written agreements, consents, directory information and the legal-basis pathfinder (FERPA as code).

``requirements``, ``pathfinder``, ``elements`` and ``consent_csv`` are Django-free; the gate (``gate.py``) and
the record of disclosures arrive in part B and read the models defined here.
"""
