"""The shape of a rule pack folder (see rules/README.md): its files (required and optional), the form of its
ids, and the sizes beyond which a pack is refused."""

import re
from typing import Any

REQUIRED = ("pack.yaml", "accountability.yaml", "rules.yaml", "powers.yaml")
OPTIONAL = ("facts.yaml", "parameters.yaml", "budget.yaml", "readiness.yaml", "round.yaml", "moves.yaml",
            "obligations.yaml")
FILES = REQUIRED + OPTIONAL


class _Spec:
    """pack/spec.py, imported when a pack is built: its pydantic models cost more to import than reading a built
    pack from the cache (negotiator/cache.py) takes."""

    def __getattr__(self, name: str) -> Any:
        from . import spec
        return getattr(spec, name)


S = _Spec()
PACK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
RULE_ID = re.compile(r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*$")
ITEM_ID = re.compile(r"^[a-z][a-z0-9_]*$")
#: Sizes beyond which a pack is refused before anything runs (see negotiator/engines/durable.py).
MAX_RULES = 5_000
MAX_DEPTH = 32
MAX_NODES = 2_000
