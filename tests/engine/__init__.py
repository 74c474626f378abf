"""Opt-in tests against a real Docker engine with BuildKit (``make engine``; never in ``make test``)."""
