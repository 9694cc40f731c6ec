"""Privacy-preserving linkage: keyed Bloom-filter encodings (CLKs) that a partner makes on its own machine.

- :mod:`.keys` — the shared secret (environment or key file) and the per-field keys derived from it
- :mod:`.clk` — :func:`~.clk.encode_people`: person records → ``id``, ``clk`` (base64) and keyed blocking tokens
- :mod:`.store` — encoded files (Parquet or CSV) written and read back, with the filter size and secret fingerprint
- :mod:`.quality` — fill ratios and the checks that refuse overfilled filters or warn of frequency attacks
- :mod:`.match` — :func:`~.match.link_encoded`: Dice similarity on the bit vectors, one-to-one, no PII needed
"""
