"""Benchmarks: ``make bench`` (or ``python -m bench``) prints one table, every figure beside a
baseline measured in the same run on the same machine.

Run from the repository root. What each provider is sent comes from its operations table (``bench/calls.py``).
"""
