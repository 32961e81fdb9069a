"""Typed results: what an evaluation, an explanation, a round and a diff conclude.

Decisions return these models; every renderer (text, Markdown, HTML, CSV),
`diff` and the JSON Schemas (`negotiator schema KIND`, `/api/schema/KIND`)
share them. Rules, tiers, powers and sources are described once, in a
`Catalogue`, and referred to by id everywhere else, so that a round of
thousands of places does not repeat a statement per place.

The models live in one module per kind of result; this package re-exports them all, each module imported
when one of its names is first used (so a command builds only the models it needs). The one registry of
result kinds is negotiator/schemas.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

if TYPE_CHECKING:  # the names for type checkers; at run time each module is imported when a name of it is used
    from .base import (  # noqa: F401
        _R,
        DIFF_READS,
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
        FactToCollect,
        FactValue,
        Negotiation,
        PowerResult,
        Readiness,
        ReadinessPart,
        Reason,
        RuleChain,
        SpecialCaseResult,
        Step,
        UnlockLine,
        Upcoming,
    )
    from .problems import Errors, Problem, ProblemCode, ProblemInfo  # noqa: F401
    from .options import (  # noqa: F401
        JoinOption,
        MoveRef,
        Setting,
        Unlock,
        UnlockAnswer,
        WhatIf,
    )
    from .round import (  # noqa: F401
        Conflict,
        Coverage,
        LeftOutPlace,
        Ranked,
        ReferenceLine,
        Rising,
        Round,
        RoundInfo,
        RoundPlace,
        ScenarioResult,
        Tranche,
        TrancheTime,
    )

#: Which module holds each name this package re-exports (a test keeps it equal to the imports above). A command
#: imports only the kinds of result it makes: `negotiator evaluate` never builds the models of a round.
_WHERE = {
    "_R": "base", "DIFF_READS": "base", "FORMAT_VERSION": "base", "STATUS_LABEL": "base", "STATUS_TITLE": "base", "TRUTH_MARK": "base",
    "Catalogue": "base",
    "FactInfo": "base", "ObligationInfo": "base", "PackRef": "base", "ParameterInfo": "base", "PlaceRef": "base",
    "PowerInfo": "base", "RuleInfo": "base", "Scope": "base", "Status": "base", "TierInfo": "base",
    "Truth3": "base", "truth_word": "base",
    "CaseOutcome": "cases", "CaseReport": "cases",
    "CheckOutcome": "check", "CheckReport": "check", "CheckSpace": "check",
    "AloneStep": "commands", "Checked": "commands", "FilesWritten": "commands", "Listing": "commands",
    "ListItem": "commands", "Served": "commands", "SweepAxis": "commands", "SweepPoint": "commands",
    "SweepResult": "commands", "TippingPoint": "commands", "Validation": "commands",
    "ValidationWarning": "commands",
    "VERDICT_TITLE": "compare", "Comparison": "compare", "CounterpartRow": "compare", "PlaceComparison": "compare",
    "PowerSide": "compare", "RuleBehind": "compare", "SideSummary": "compare", "Verdict": "compare",
    "Cause": "diff", "Diff": "diff", "PlaceChange": "diff", "PowerChange": "diff", "RoundRef": "diff",
    "StepChange": "diff",
    "Accountability": "evaluation", "BudgetComponentResult": "evaluation", "BudgetParameter": "evaluation",
    "BudgetResult": "evaluation", "BudgetScopeResult": "evaluation", "CondNode": "evaluation",
    "Evaluation": "evaluation", "Explanation": "evaluation", "FactValue": "evaluation", "Negotiation": "evaluation",
    "PowerResult": "evaluation", "Readiness": "evaluation", "ReadinessPart": "evaluation", "Reason": "evaluation",
    "RuleChain": "evaluation", "SpecialCaseResult": "evaluation", "Step": "evaluation", "Upcoming": "evaluation",
    "Errors": "problems", "Problem": "problems", "ProblemCode": "problems", "ProblemInfo": "problems",
    "FactToCollect": "evaluation", "JoinOption": "options", "MoveRef": "options", "Setting": "options",
    "Unlock": "options", "UnlockAnswer": "options", "UnlockLine": "evaluation", "WhatIf": "options",
    "Conflict": "round", "Coverage": "round", "LeftOutPlace": "round", "Ranked": "round", "ReferenceLine": "round",
    "Rising": "round", "Round": "round", "RoundInfo": "round", "RoundPlace": "round", "ScenarioResult": "round", "Tranche": "round",
    "TrancheTime": "round",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(f"{__name__}.{module}", fromlist=[name]), name)  # seen by -X importtime
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_WHERE})


# The registry of result kinds (`negotiator schema KIND`, /api/schema/KIND) is negotiator/schemas.py.


def dump(model: BaseModel, indent: int | None = None) -> str:
    """JSON text of a result: compact by default, deterministic (fields in declared order); characters a
    terminal would act on are escaped (text.json_safe)."""
    from ..text import json_safe
    return json_safe(model.model_dump_json(indent=indent, exclude_defaults=False)) + "\n"
