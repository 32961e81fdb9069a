"""What the web API answers that is not a result of the library: packs, places, councils, round configs, the
vocabulary a form is built from, and a saved profile."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional

from pydantic import BaseModel, Field

from ..results import PackRef


class PackInfo(BaseModel):
    id: str
    title: str
    version: str
    effective: date
    default: bool


class Choice(BaseModel):
    value: str
    title: str


class FormFact(BaseModel):
    """One fact of a pack's vocabulary, as the page needs it to build a form control."""

    name: str
    group: str
    title: str
    description: str = ""
    type: str
    unit: Optional[str] = None
    values: list[Choice] = Field(default_factory=list)
    ordered: bool = False
    minimum: Optional[float] = None
    maximum: Optional[float] = None
    never: bool = False
    measured: bool = False


class Vocabulary(BaseModel):
    pack: PackRef
    model_fact: str
    requests: Optional[str]
    facts: list[FormFact]


class PlaceSummary(BaseModel):
    id: str
    name: str
    file: str
    errors: list[str] = Field(default_factory=list, description="Why the profile cannot be read, if it cannot")


class PlaceDetail(BaseModel):
    id: str
    name: str
    file: str
    members: list[str]
    profile: dict[str, Any] = Field(description="The profile as written, the same shape as the YAML")


class Council(BaseModel):
    """A council of the register existing on the date asked for: one a profile may name as a member."""
    code: str
    name: str
    county: str
    kind: str = ""
    start: Optional[date] = Field(default=None, description="The first day it exists, where the register gives one")
    end: Optional[date] = Field(default=None,
                                description="The first day it no longer exists, where it has ceased or will")


class RoundConfigInfo(BaseModel):
    id: str
    name: str
    date: date
    file: str


class SavedProfile(BaseModel):
    id: str
    file_name: str
    yaml: str
    warnings: list[str] = Field(default_factory=list)
