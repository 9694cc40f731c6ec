"""Record linkage: recognise the same child across the district's and partners' records.

``engine/`` is the Django-free part (Splink 5 on DuckDB): normalising person records, the vetted model
template, training with checks, and decisions (auto-link, review, no link). The Django app around it holds the
person registry (``models``, ``registry``), linkage runs (``actions``: full and incremental) and the review
queue (``views``); see docs/linkage.md.
"""
