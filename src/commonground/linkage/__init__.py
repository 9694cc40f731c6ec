"""Record linkage: recognise the same child across the district's and partners' records.

``engine/`` is the Django-free part (Splink 5 on DuckDB): normalising person records, the vetted model
template, training with checks, and decisions (auto-link, review, no link). The person registry and the review
queue, which need the control plane, build on it.
"""
