"""Checks of a rule pack: the abstraction, static checks and properties, exhaustive and sampled."""
