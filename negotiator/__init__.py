"""negotiator: a rules engine for negotiated autonomy.

Decides which powers and budgets a place could take on from central
government, and what accountability it must accept in return, under rule
packs written in YAML (see rules/README.md).
"""

__version__ = "0.2.0"
