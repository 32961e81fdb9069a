"""An evaluation with its advice: what the command line, rounds and the web show for a place.

`decide/` settles a place's decisions; `options/` works out what it would take (facts to collect, the
cheapest moves that unlock a power). This layer, above both, puts the two together, so that `decide`
never needs `options`.
"""

from .evaluation import advise, advise_many, evaluate, facts_to_collect_many

__all__ = ["advise", "advise_many", "evaluate", "facts_to_collect_many"]
