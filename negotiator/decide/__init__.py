"""Decisions about one place: eligibility, powers, tiers, budget, readiness, and explanations."""

from .decision import Decision, decide

__all__ = ["Decision", "decide"]
