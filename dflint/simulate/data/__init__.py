"""Shipped size data of the evaluator (see scripts/build_apt_sizes.py and docs/simulate.md)."""
