"""The index advisor's output: recommendations with DDL, rollback and per-query costs, plus findings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import Finding

AdviceMethod = Literal["hypopg", "sqlite_sandbox", "heuristic"]


class QueryCostChange(BaseModel):
    """One query shape's cost before and after the recommended indexes, and how often it runs."""

    model_config = ConfigDict(extra="forbid")

    shape_id: str
    cost_before: float
    cost_after: float
    count: int


class IndexRecommendation(BaseModel):
    """One index to create, with its DDL, rollback and the workload cost it saves."""

    model_config = ConfigDict(extra="forbid")

    table: str
    columns: list[str]
    include: list[str] = Field(default_factory=list)
    name: str
    ddl: str
    rollback: str
    workload_cost_reduction: float = Field(ge=0, le=1, description="Relative, of the whole workload.")
    queries: list[QueryCostChange] = Field(default_factory=list)
    size_mb: float
    method: AdviceMethod
    makes_redundant: list[str] = Field(
        default_factory=list, description="Existing indexes whose keys are a leading prefix of this one's."
    )
    write_load: str | None = Field(
        default=None,
        description="What the table's write counters say over their statistics window and what was charged "
        "(indexes/write_load.py); None when the catalog counts no writes to it.",
    )


class Advice(BaseModel):
    """Workload-level index advice."""

    model_config = ConfigDict(extra="forbid")

    recommendations: list[IndexRecommendation] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    workload_cost_before: float = 0
    workload_cost_after: float = 0
    method: AdviceMethod = "heuristic"
    whatif_calls: int = 0
    runtime_s: float = 0
    notes: list[str] = Field(default_factory=list)
