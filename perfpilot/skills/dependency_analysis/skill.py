"""dependency-analyzer: the skill's typed input, output and run function."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.artifacts import Finding
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.dependency_analysis.dependencies import PeerWait, peer_waits
from perfpilot.skills.dependency_analysis.findings import SKILL_NAME, dependency_finding, sequential_finding

DOMINANT_SHARE = 0.5
MIN_TRACES = 5


class DependencyInput(SkillInput):
    """Thresholds for the dependency analysis (the traces come from the evidence)."""

    dominant_share: float = Field(
        default=DOMINANT_SHARE, gt=0, le=1, description="Share of an endpoint's time that dominates."
    )
    min_traces: int = Field(default=MIN_TRACES, ge=1, description="Fewest traces of an endpoint to judge.")


class PeerShare(BaseModel):
    """One endpoint's wait on one peer."""

    model_config = ConfigDict(extra="forbid")

    endpoint: str
    peer: str
    traces: int
    calls_per_request: float
    share: float = Field(description="Share of the endpoint's request time spent waiting on the peer.")


class DependencyOutput(SkillOutput):
    """Findings plus every endpoint/peer wait seen."""

    peers: list[PeerShare] = Field(default_factory=list)


def _finding(wait: PeerWait, inp: DependencyInput, all_request_ms: float) -> Finding | None:
    if wait.traces < inp.min_traces or wait.share < inp.dominant_share:
        return None
    if wait.sequential:  # an in-house change comes first: make the calls concurrent or batch them
        return sequential_finding(wait, all_request_ms)
    return dependency_finding(wait, all_request_ms)


def run(inp: DependencyInput, ctx: SkillContext) -> DependencyOutput:
    """Find endpoints whose request time is dominated by waits on other services."""
    traces = ctx.evidence.traces
    waits = peer_waits(traces)
    served = [t.root.duration_ms for t in traces if t.root.kind == "server"]
    all_request_ms = sum(served)
    findings = [f for w in waits if (f := _finding(w, inp, all_request_ms)) is not None]
    notes = [] if traces else ["no traces in the evidence: calls to other services cannot be seen"]
    if traces and not waits:
        notes.append("no CLIENT spans to other services in the traces")
    ctx.log.info("dependency_analysis_done", peers=len(waits), findings=len(findings))
    return DependencyOutput(
        findings=findings,
        notes=notes,
        peers=[
            PeerShare(
                endpoint=w.endpoint,
                peer=w.peer,
                traces=w.traces,
                calls_per_request=round(w.calls_per_request, 3),
                share=round(w.share, 4),
            )
            for w in waits
        ],
    )


SKILL: Skill[DependencyInput, DependencyOutput] = Skill(
    name=SKILL_NAME, input_model=DependencyInput, output_model=DependencyOutput, run=run
)
