"""Django-free parsers that turn partner exports into the canonical tables of DESIGN.md §4.

Public entry points:

- :func:`commonground.ingest.connectors.oneroster.parse_oneroster` (OneRoster 1.1/1.2 CSV, folder or zip)
- :func:`commonground.ingest.connectors.edfi_xml.parse_edfi_xml` (Ed-Fi Data Standard 5.x XML interchanges)
- :func:`commonground.ingest.connectors.tabular.parse_tabular` (partner CSV/XLSX with a YAML mapping)

Every parser returns a :class:`~commonground.ingest.connectors.report.ParseResult`: canonical pyarrow tables plus
a list of specific issues (file, line, column, value, what was expected). Nothing here imports Django.
"""
