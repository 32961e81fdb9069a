"""Typed results: what an evaluation, an explanation, a round and a diff conclude.

Decisions return these models; every renderer (text, Markdown, HTML, CSV),
`diff` and the JSON Schemas (`negotiator schema KIND`, `/api/schema/KIND`)
share them. Rules, tiers, powers and sources are described once, in a
`Catalogue`, and referred to by id everywhere else, so that a round of
thousands of places does not repeat a statement per place.

The models live in one module per kind of result; this package re-exports them all, and `SCHEMAS` is
the one registry of result kinds.
"""

from __future__ import annotations

from pydantic import BaseModel

from .base import (  # noqa: F401
    FORMAT_VERSION, _R, Truth3, Status, STATUS_TITLE, STATUS_LABEL, Scope, RuleInfo, TierInfo, PowerInfo,
    ParameterInfo, FactInfo, ObligationInfo, Catalogue, PackRef, PlaceRef,
)
from .evaluation import (  # noqa: F401
    FactValue, Upcoming, Step, Reason, SpecialCaseResult, Negotiation, PowerResult, Accountability, BudgetParameter,
    BudgetComponentResult, BudgetScopeResult, BudgetResult, ReadinessPart, Readiness, Evaluation, CondNode,
    RuleChain, Explanation,
)
from .diff import (  # noqa: F401
    StepChange, PowerChange, PlaceChange, RoundRef, Diff,
)
from .options import (  # noqa: F401
    Setting, WhatIf, MoveRef, UnlockAnswer, JoinOption, Unlock, UnlockLine, FactToCollect,
)
from .round import (  # noqa: F401
    RoundInfo, Tranche, Ranked, TrancheTime, Coverage, ScenarioResult, Conflict, RoundPlace, Round,
)
from .compare import (  # noqa: F401
    Verdict, VERDICT_TITLE, RuleBehind, PowerSide, CounterpartRow, SideSummary, PlaceComparison, Comparison,
)

#: Every kind of result a command prints, by the name `negotiator schema KIND` and /api/schema/KIND use.
SCHEMAS: dict[str, type[BaseModel]] = {"result": Evaluation, "explanation": Explanation, "round": Round, "diff": Diff,
                                       "compare": Comparison, "whatif": WhatIf, "unlock": Unlock}


def dump(model: BaseModel, indent: int | None = None) -> str:
    """JSON text of a result: compact by default, deterministic (fields in declared order)."""
    return model.model_dump_json(indent=indent, exclude_defaults=False) + "\n"
