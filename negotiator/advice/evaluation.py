"""A place's evaluation with its advice: the facts to collect first and what would unlock the powers asked for.

The decisions come from `decide/` (one Decision, its typed Evaluation); the advice from `options/` (trial
profiles decided in batches, on the fast or the plain-Python evaluator, both tested equal to
durable-rules). Only an evaluation with unknown facts gets facts to collect, and only one asking for
powers, under a pack that declares moves, gets unlock lines.
"""

from __future__ import annotations

from datetime import date

from ..decide.decision import Decision, decide
from ..engines import Evaluator
from ..options.collect import facts_to_collect, facts_to_collect_many
from ..options.unlock import unlock_lines
from ..pack.ir import Pack
from ..results import Evaluation, FactToCollect
from ..vocab.profile import Profile

__all__ = ["advise", "evaluate", "facts_to_collect_many"]


def advise(decision: Decision, with_catalogue: bool = True,
           collect: list[FactToCollect] | None = None) -> Evaluation:
    """The decision's typed result with its advice. `collect`, when given, is the facts to collect already
    worked out for this place (a round's, in one batch: `facts_to_collect_many`)."""
    result = decision.evaluation(with_catalogue=with_catalogue)
    pack, profile, on = decision.pack, decision.profile, decision.as_of
    # the result was built just now and is not shared: its advice is filled in before anyone sees it
    if result.missing_facts:
        result.facts_to_collect = collect if collect is not None else facts_to_collect(pack, profile, on)
    asked = [p.id for p in result.powers if p.requested]
    if asked and pack.moves:
        result.unlock = unlock_lines(pack, profile, on, asked, {p.id: p.status for p in result.powers})
    return result


def evaluate(pack: Pack, profile: Profile, as_of: date | None = None, evaluator: Evaluator | None = None,
             as_of_note: str | None = None) -> Evaluation:
    """The typed result of evaluating a place, with its advice."""
    return advise(decide(pack, profile, as_of, evaluator, as_of_note))
