"""Tuning data the detection helpers write for themselves (never held-out sources)."""
