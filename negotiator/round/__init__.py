"""Rounds: every place evaluated as of a date, tranches, coverage, differences, comparisons and sweeps; and
what-if, one place's differences under changed inputs, named as a round's differences are (`whatif`)."""
