"""Tuning data written for the rule-based recognizers: tune on these, never on `tests/data/sources/`."""
