"""Benchmarks: ``python -m bench`` (see README, "Measured speed")."""
