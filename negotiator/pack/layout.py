"""The files of a rule pack folder (see rules/README.md): which are required, which optional."""

REQUIRED = ("pack.yaml", "accountability.yaml", "rules.yaml", "powers.yaml")
OPTIONAL = ("facts.yaml", "parameters.yaml", "budget.yaml", "readiness.yaml", "round.yaml", "moves.yaml",
            "obligations.yaml")
FILES = REQUIRED + OPTIONAL
