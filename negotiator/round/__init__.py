"""Rounds: every place evaluated as of a date, tranches, coverage, differences, comparisons and sweeps."""
