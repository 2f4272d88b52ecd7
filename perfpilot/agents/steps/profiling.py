"""Step 1, profiling: the baseline and the bottleneck inventory with impact scores and the top 3 targets."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field

from perfpilot.agents.judgements import Judgement, known_ids
from perfpilot.agents.session import ContextItem, StepSession
from perfpilot.agents.step import PolicySettings, SkillRequest, StepAgent
from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.findings import unique_findings
from perfpilot.evidence.bundle import EvidenceBundle


class ProfilingJudgement(Judgement):
    top_targets: list[str] = Field(
        default_factory=list, max_length=3, description="Bottleneck ids, most important first."
    )


def _dump(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)


def context(evidence: EvidenceBundle, inputs: dict[str, BaseModel]) -> list[ContextItem]:
    """What evidence is at hand: one line per source kind, top query shapes, skipped sources."""
    counts = {
        "metric samples": len(evidence.metrics),
        "metric series": len(evidence.series),
        "traces": len(evidence.traces),
        "load tests": len(evidence.load_tests),
        "access log entries": len(evidence.access_logs),
        "workloads": len(evidence.workloads),
        "dockerfiles": len(evidence.dockerfiles),
        "instances": len(evidence.instances),
        "kubernetes workloads": len(evidence.kubernetes),
        "stack profiles": len(evidence.profiles),
    }
    items = [ContextItem("evidence.inventory", _dump({k: v for k, v in counts.items() if v}), 1.0)]
    for digest in evidence.workloads:
        for shape in digest.queries[:5]:
            summary = {
                "shape": shape.fingerprint[:300],
                "count": shape.count,
                "total_s": round(shape.total_time_s, 3),
                "share": round(shape.share, 3),
            }
            items.append(ContextItem(f"workload.{shape.id}", _dump(summary), 0.3 + 0.6 * shape.share))
    if evidence.skipped:
        skipped = [f"{s.source}:{s.line or '-'} {s.reason}" for s in evidence.skipped]
        items.append(ContextItem("evidence.skipped", _dump(skipped), 0.2))
    return items


def load_test(settings: PolicySettings, repeat: int, label: str) -> SkillRequest:
    """A baseline-profile load test of the live service (its duration as the run asked)."""
    arguments: dict[str, object] = {"profile": "baseline", "repeat": repeat, "label": label}
    if settings.load_test_duration_s is not None:
        arguments["duration_s"] = settings.load_test_duration_s
    if settings.load_test_rate_rps is not None:
        arguments["rate_rps"] = settings.load_test_rate_rps
    return ("load-test-runner", arguments)


def policy(session: StepSession, settings: PolicySettings) -> list[SkillRequest]:
    """Measure when live (the baseline repeated for its noise), configure scraping when nothing is
    measured, read resource usage and cost when an inventory exists, then profile."""
    ev = session.evidence
    calls: list[SkillRequest] = []
    if session.skill_context.live and ev.target.evidence.http is not None:
        calls.append(load_test(settings, settings.baseline_repeats, "before"))
    if not ev.metrics and not ev.series and not session.skill_context.live:
        calls.append(("observability-stack-configurator", {"mode": "scrape_config"}))
    if ev.instances or ev.kubernetes:  # resource usage and cost are part of the baseline
        calls.append(("cost-optimization-analyzer", {}))
    calls.append(("performance-profiler", {}))
    return calls


def assemble(session: StepSession) -> BottleneckInventory:
    """The profiler's inventory, with the findings of the step's other skills (e.g. cost) attached."""
    inventory = BottleneckInventory(notes=["The profiler did not run: no inventory could be built."])
    for output in reversed(session.outputs("performance-profiler")):
        candidate = getattr(output, "inventory", None)
        if isinstance(candidate, BottleneckInventory):
            inventory = candidate
            break
    found = unique_findings(f for output in session.outputs() for f in output.findings)
    if database := database_notes(session):
        inventory = inventory.model_copy(update={"notes": [*inventory.notes, *database]})
    return inventory.model_copy(update={"findings": found}) if found else inventory


def database_notes(session: StepSession) -> list[str]:
    """What the database itself measured over the step's load tests (a live PostgreSQL run's
    pg_stat_statements and table/index counter deltas), as the load-test runner noted it."""
    outputs = session.outputs("load-test-runner")
    return [note for output in outputs for note in getattr(output, "database_notes", [])]


def judge(artifact: BottleneckInventory, j: ProfilingJudgement, notes: list[str]) -> BottleneckInventory:
    """The model's top targets (known bottleneck ids only) and notes."""
    targets = known_ids(j.top_targets, {b.id for b in artifact.bottlenecks}, notes, "bottleneck")
    return artifact.model_copy(
        update={"top_targets": targets or artifact.top_targets, "notes": [*artifact.notes, *j.notes]}
    )


PROFILING = StepAgent(
    name="profiling",
    prompt="profiling",
    skills=(
        "load-test-runner",
        "observability-stack-configurator",
        "cost-optimization-analyzer",
        "performance-profiler",
    ),
    budget=3000,
    output=BottleneckInventory,
    judgement=ProfilingJudgement,
    inputs=(),
    context=context,
    policy=policy,
    assemble=assemble,
    judge=judge,
    goal="Baseline and bottleneck inventory with impact scores; top 3 targets.",
)
