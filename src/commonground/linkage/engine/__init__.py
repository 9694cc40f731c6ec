"""The Django-free linkage engine (Splink 5 on DuckDB).

- :mod:`.prepare` — person records → the model's input columns (folded names, nickname groups, date parts…)
- :mod:`.model` and :mod:`.blocking` — the vetted model template: comparisons, starting parameters, blocking rules
- :mod:`.train` and :mod:`.checks` — training, regularisation and the checks that refuse degenerate models
- :mod:`.decide` — thresholds, the twins-and-siblings guard, one-to-one, per-comparison contributions
- :mod:`.link` — :func:`~.link.link_tables` and :func:`~.link.dedupe_table`, the entry points
- :mod:`.files`, :mod:`.columns`, :mod:`.adhoc` — files of people with headers recognised (``link-files``)
- :mod:`.evalsets` and :mod:`.evaluate` — ground-truth sets from the synthetic community, pairwise quality
"""
