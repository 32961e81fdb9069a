"""Typed results: what an evaluation, an explanation, a round and a diff conclude.

Decisions return these models; every renderer (text, Markdown, HTML, CSV),
`diff` and the JSON Schemas (`negotiator schema KIND`, `/api/schema/KIND`)
share them. Rules, tiers, powers and sources are described once, in a
`Catalogue`, and referred to by id everywhere else, so that a round of
thousands of places does not repeat a statement per place.

The models live in one module per kind of result; this package re-exports them all. The one registry of
result kinds is negotiator/schemas.py.
"""

from __future__ import annotations

from pydantic import BaseModel

from .base import (  # noqa: F401
    _R,
    FORMAT_VERSION,
    STATUS_LABEL,
    STATUS_TITLE,
    TRUTH_MARK,
    Catalogue,
    FactInfo,
    ObligationInfo,
    PackRef,
    ParameterInfo,
    PlaceRef,
    PowerInfo,
    RuleInfo,
    Scope,
    Status,
    TierInfo,
    Truth3,
    truth_word,
)
from .cases import CaseOutcome, CaseReport  # noqa: F401
from .check import CheckOutcome, CheckReport, CheckSpace  # noqa: F401
from .commands import (  # noqa: F401
    AloneStep,
    Checked,
    FilesWritten,
    Listing,
    ListItem,
    Served,
    SweepAxis,
    SweepPoint,
    SweepResult,
    TippingPoint,
    Validation,
    ValidationWarning,
)
from .compare import (  # noqa: F401
    VERDICT_TITLE,
    Comparison,
    CounterpartRow,
    PlaceComparison,
    PowerSide,
    RuleBehind,
    SideSummary,
    Verdict,
)
from .diff import (  # noqa: F401
    Cause,
    Diff,
    PlaceChange,
    PowerChange,
    RoundRef,
    StepChange,
)
from .evaluation import (  # noqa: F401
    Accountability,
    BudgetComponentResult,
    BudgetParameter,
    BudgetResult,
    BudgetScopeResult,
    CondNode,
    Evaluation,
    Explanation,
    FactValue,
    Negotiation,
    PowerResult,
    Readiness,
    ReadinessPart,
    Reason,
    RuleChain,
    SpecialCaseResult,
    Step,
    Upcoming,
)
from .problems import Errors, Problem, ProblemCode, ProblemInfo  # noqa: F401
from .options import (  # noqa: F401
    FactToCollect,
    JoinOption,
    MoveRef,
    Setting,
    Unlock,
    UnlockAnswer,
    UnlockLine,
    WhatIf,
)
from .round import (  # noqa: F401
    Conflict,
    Coverage,
    LeftOutPlace,
    Ranked,
    ReferenceLine,
    Round,
    RoundInfo,
    RoundPlace,
    ScenarioResult,
    Tranche,
    TrancheTime,
)


# The registry of result kinds (`negotiator schema KIND`, /api/schema/KIND) is negotiator/schemas.py.


def dump(model: BaseModel, indent: int | None = None) -> str:
    """JSON text of a result: compact by default, deterministic (fields in declared order); characters a
    terminal would act on are escaped (text.json_safe)."""
    from ..text import json_safe
    return json_safe(model.model_dump_json(indent=indent, exclude_defaults=False)) + "\n"
