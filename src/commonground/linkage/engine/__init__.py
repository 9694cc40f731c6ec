"""The Django-free linkage engine (Splink 5 on DuckDB).

- :mod:`.prepare` — person records → the model's input columns (folded names, nickname groups, date parts…)
- :mod:`.model` and :mod:`.blocking` — the vetted model template: comparisons, starting parameters, blocking rules
- :mod:`.train` and :mod:`.checks` — training, regularisation and the checks that refuse degenerate models
- :mod:`.decide` — thresholds, the twins-and-siblings guard, one-to-one, per-comparison contributions
- :mod:`.link` — :func:`~.link.link_tables` and :func:`~.link.dedupe_table`, the entry points; for the registry
  :func:`~.link.dedupe_rosters` (all rosters at once) and :func:`~.link.link_to_known` (new records, stored model)
- :mod:`.assign` — clusters under human constraints and the stability rule for hub ids
- :mod:`.spark` — the trained model's SQL for Splink's Spark backend
- :mod:`.files`, :mod:`.columns`, :mod:`.adhoc` — files of people with headers recognised (``link-files``)
- :mod:`.evalsets` and :mod:`.evaluate` — ground-truth sets from the synthetic community, pairwise quality
"""
