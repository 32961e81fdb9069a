"""A place's evaluation with its advice: the facts to collect first and what would unlock the powers asked for.

The decisions come from `decide/` (one Decision, its typed Evaluation); the advice from `options/` (trial
profiles decided in batches, on the fast or the plain-Python evaluator, both tested equal to
durable-rules). Only an evaluation with unknown facts gets facts to collect, and only one asking for
powers, under a pack that declares moves, gets unlock lines.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from ..decide.decision import Decision, decide
from ..engines import Evaluator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..options.collect import facts_to_collect, facts_to_collect_many
    from ..options.unlock import unlock_lines, unlock_lines_many
else:  # options/ is imported when there is advice to work out: a place that knows every fact and asks for
    # nothing (`negotiator evaluate kent`) needs none of it
    def facts_to_collect(*args: Any, **kwargs: Any) -> Any:
        from ..options.collect import facts_to_collect as work_out
        return work_out(*args, **kwargs)

    def facts_to_collect_many(*args: Any, **kwargs: Any) -> Any:
        from ..options.collect import facts_to_collect_many as work_out
        return work_out(*args, **kwargs)

    def unlock_lines(*args: Any, **kwargs: Any) -> Any:
        from ..options.unlock import unlock_lines as work_out
        return work_out(*args, **kwargs)

    def unlock_lines_many(*args: Any, **kwargs: Any) -> Any:
        from ..options.unlock import unlock_lines_many as work_out
        return work_out(*args, **kwargs)
from ..pack.ir import Pack
from ..results import Evaluation, FactToCollect
from ..vocab.profile import Profile

__all__ = ["advise", "advise_many", "evaluate", "facts_to_collect_many"]


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


def advise_many(decisions: Sequence[Decision], with_catalogue: bool = True,
                collect: Sequence[list[FactToCollect]] | None = None) -> list[Evaluation]:
    """`advise` for many decisions under one pack (a round's places): the same results, with the unlock lines of
    all of them worked out together (`unlock_lines_many`: their sets of moves decided in batches)."""
    results = [d.evaluation(with_catalogue=with_catalogue) for d in decisions]
    asking = []
    for k, (d, result) in enumerate(zip(decisions, results)):
        if result.missing_facts:
            result.facts_to_collect = collect[k] if collect is not None else facts_to_collect(d.pack, d.profile,
                                                                                               d.as_of)
        asked = [p.id for p in result.powers if p.requested]
        if asked and d.pack.moves:
            asking.append((k, asked))
    if asking:
        pack = decisions[0].pack
        assert all(d.pack is pack for d in decisions), "advise_many takes the decisions of one pack"
        lines = unlock_lines_many(pack, [(decisions[k].profile, decisions[k].as_of, asked,
                                          {p.id: p.status for p in results[k].powers}) for k, asked in asking])
        for (k, _asked), found in zip(asking, lines):
            results[k].unlock = found
    return results


def evaluate(pack: Pack, profile: Profile, as_of: date | None = None, evaluator: Evaluator | None = None,
             as_of_note: str | None = None) -> Evaluation:
    """The typed result of evaluating a place, with its advice."""
    return advise(decide(pack, profile, as_of, evaluator, as_of_note))
