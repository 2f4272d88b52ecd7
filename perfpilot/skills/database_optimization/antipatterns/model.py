"""The AntiPattern record a check returns, and the signature every check has."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.shapes.models import ShapeAnalysis

Severity = Literal["high", "medium", "low"]


class AntiPattern(BaseModel):
    """One anti-pattern found in a query shape, with the rewrite that removes it where one exists."""

    model_config = ConfigDict(extra="forbid")

    check: str = Field(description="The check's id, e.g. 'leading_wildcard_like'.")
    severity: Severity
    table: str | None = None
    columns: list[str] = Field(default_factory=list)
    detail: str = Field(description="What is wrong and why it is slow.")
    rewrite: str | None = Field(default=None, description="How to fix it, in words (dialect-specific).")
    rewrite_sql: str | None = Field(default=None, description="A rewritten statement or predicate.")


Check = Callable[[ShapeAnalysis, Catalog | None], list[AntiPattern]]
