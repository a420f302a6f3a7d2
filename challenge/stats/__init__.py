"""Statistics for the bureau: figures, charts and the public subset (SPEC §9)."""
