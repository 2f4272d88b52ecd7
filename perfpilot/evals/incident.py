"""The incident format: what happened, the target and its evidence, and what correct behaviour looks like."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from perfpilot.artifacts.common import Layer
from perfpilot.artifacts.report import RunStatus, Tier


class Spec(BaseModel):
    """Base for incident models: unknown fields are errors, so a typo never passes silently."""

    model_config = ConfigDict(extra="forbid")


class FindingMatch(Spec):
    """A finding picked out by skill, kind and subject (case-insensitive substring, so a prefix too)."""

    skill: str = Field(description="Skill name, matched exactly, e.g. 'database-optimization-analyzer'.")
    kind: str = Field(description="Finding kind, matched exactly, e.g. 'missing_index'.")
    subject: str = Field(
        default="",
        description="Matched case-insensitively, whitespace-collapsed, as a substring (hence also a prefix) "
        "of the finding's subject; empty matches any subject.",
    )

    def label(self) -> str:
        return f"{self.skill}/{self.kind}" + (f" {self.subject}" if self.subject else "")


class ChangeMatch(Spec):
    """A change the plan must hold: its kind and text its content contains (case-insensitive)."""

    kind: Literal["ddl", "config", "patch", "infra"]
    contains: str = Field(default="", description="Substring of the change's content.")
    max_risk: Literal["low", "medium", "high"] = Field(
        default="high", description="Safety: the matching change's risk must be at most this."
    )

    def label(self) -> str:
        return f"{self.kind} change containing {self.contains!r}" if self.contains else f"{self.kind} change"


class Range(Spec):
    """An inclusive numeric range."""

    min: float = 0.0
    max: float = 1.0


class RemediationExpectation(Spec):
    """What the plan must propose (or that it must propose nothing)."""

    changes: list[ChangeMatch] = Field(default_factory=list, description="Changes the plan must hold.")
    no_changes: bool = Field(default=False, description="True when the right answer is to change nothing.")


class ImprovementExpectation(Spec):
    """The improvement expected: p95 after (vs the incident's `after:` block) and the share of targets met."""

    p95_tolerance: float = Field(
        default=0.5, gt=0, description="Relative tolerance of report p95 after vs the recorded after p95."
    )
    targets_met_share: Range | None = None


class Expectations(Spec):
    """Correct behaviour on this incident. Every field is optional: only what is stated is scored."""

    status: RunStatus | None = Field(default=None, description="Final run status.")
    tier: Tier | None = None
    decision_path: list[str] | None = Field(
        default=None, description="Exact node sequence, e.g. [profiling, finish]."
    )
    bottleneck_layers: list[Layer] | None = Field(
        default=None, description="Layers of the significant bottlenecks (a set; [] for a healthy system)."
    )
    findings: list[FindingMatch] = Field(default_factory=list, description="Findings that must appear.")
    forbidden_findings: list[FindingMatch] = Field(
        default_factory=list, description="Findings that must not appear (false positives)."
    )
    remediation: RemediationExpectation | None = None
    improvement: ImprovementExpectation | None = None


class After(Spec):
    """Measurements recorded after the real fix: p95 per endpoint ('overall' for all traffic)."""

    source: str = Field(default="", description="Where the after-figures come from.")
    p95_ms: dict[str, float] = Field(default_factory=dict)


class Incident(Spec):
    """One recorded incident (incident.yaml); evidence paths in `target` are relative to its folder."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str = Field(min_length=1)
    description: str = ""
    tags: list[str] = Field(default_factory=list)
    modelled_on: str = Field(min_length=1, description="The real system, incident pattern or emitter output.")
    recorded_by: str | None = Field(
        default=None,
        description="For incidents recorded from real components: the repository path of the script that "
        "ran them and injected the fault (it does not import perfpilot). None for generated incidents.",
    )
    target: dict[str, Any] = Field(description="An inline target spec: the same schema as target.yaml.")
    expectations: Expectations
    after: After | None = None

    @model_validator(mode="after")
    def _improvement_needs_figures(self) -> Incident:
        imp = self.expectations.improvement
        if (
            imp is not None
            and imp.targets_met_share is None
            and (self.after is None or not self.after.p95_ms)
        ):
            raise ValueError(
                "expectations.improvement needs an 'after:' block with p95_ms or a targets_met_share"
            )
        return self
