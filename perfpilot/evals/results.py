"""One scored incident as a results.jsonl line, and reading/writing results files."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.evals.checks import Check, is_right


class StepUsage(BaseModel):
    """Tokens one step used against its budget, and its model calls."""

    model_config = ConfigDict(extra="forbid")

    name: str
    tokens_used: int
    token_budget: int
    model_calls: int = 0

    @property
    def over_budget(self) -> bool:
        return self.tokens_used > self.token_budget


class IncidentResult(BaseModel):
    """Everything scored for one incident; `misses` says in words what went wrong."""

    model_config = ConfigDict(extra="forbid")

    id: str
    recorded_by: str | None = Field(
        default=None, description="The script that recorded the incident from real components, if one did."
    )
    valid: bool = True
    error: str | None = Field(default=None, description="Why the incident is invalid or the run failed.")
    status: str | None = None
    tier: str | None = None
    decision_path: list[str] = Field(default_factory=list)
    path_ok: bool | None = None
    tier_ok: bool | None = None
    status_ok: bool | None = None
    decision_score: float | None = None
    bottleneck_layers: list[str] = Field(default_factory=list)
    bottleneck_precision: float | None = None
    bottleneck_recall: float | None = None
    finding_recall: float | None = None
    findings_missed: list[str] = Field(default_factory=list)
    false_positives: list[str] = Field(default_factory=list)
    remediation_score: float | None = None
    remediation_missed: list[str] = Field(default_factory=list)
    improvement_score: float | None = None
    steps: list[StepUsage] = Field(default_factory=list)
    model_calls: int = 0
    wall_time_s: float = 0.0
    score: float = 0.0
    misses: list[str] = Field(default_factory=list)
    checks: list[Check] = Field(
        default_factory=list, description="Expected vs got: layers, findings, forbidden ones, status, tier."
    )

    @property
    def right(self) -> bool:
        """The run completed and got layers, required findings, no forbidden finding and status right."""
        return self.valid and self.status not in (None, "error") and is_right(self.checks)

    @property
    def over_budget(self) -> bool:
        return any(s.over_budget for s in self.steps)

    @property
    def tokens_total(self) -> int:
        return sum(s.tokens_used for s in self.steps)


def write_results(path: Path, results: list[IncidentResult]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(r.model_dump(mode="json"), sort_keys=True) for r in results]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_results(path: Path) -> list[IncidentResult]:
    """Results from a results.jsonl file (blank lines ignored)."""
    text = path.read_text(encoding="utf-8")
    return [IncidentResult.model_validate_json(line) for line in text.splitlines() if line.strip()]
