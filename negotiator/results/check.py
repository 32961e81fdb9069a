"""A rule pack checked: static checks and properties, each passed, failed (with counterexamples) or empty."""

from __future__ import annotations

from typing import Any, Optional

from pydantic import Field

from .base import FORMAT_VERSION, PackRef, _R, empty


class CheckOutcome(_R):
    id: str
    kind: str = Field(description="static or property")
    statement: str
    status: str = Field(description="passed, failed, holds by construction, or nothing to check")
    passed: bool
    checked: int = Field(description="Profiles or rules checked")
    how: str
    failures: list[dict[str, Any]] = Field(default_factory=empty, description="At most three counterexamples")
    notes: list[str] = Field(default_factory=empty)


class CheckSpace(_R):
    facts: dict[str, list[Any]] = Field(description="Each fact the properties vary, with its classes of values")
    requests: list[Any]
    dates: list[str]
    size: int = Field(description="Profiles in the finite abstraction")
    ignored_facts: list[str]
    fallback: Optional[str] = None


class CheckReport(_R):
    """What `negotiator check` found (`--json`, schema kind `check`)."""

    format_version: str = FORMAT_VERSION
    pack: PackRef
    mode: str = Field(description="exhaustive or sampling")
    space: CheckSpace
    checks: list[CheckOutcome]
    summary: dict[str, int]
    passed: bool
