"""Benchmarks: ``make bench`` (or ``python -m bench``) prints one table, every figure beside a
baseline measured in the same run on the same machine.

Run from the repository root; the provider drivers come from ``tests/drivers``.
"""
