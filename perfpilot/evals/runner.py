"""Run incidents through the real workflow (in-process, headless) and turn each into a scored result."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import structlog

from perfpilot.agents.planners.base import Planner
from perfpilot.artifacts.report import RunReport
from perfpilot.evals.checks import expectation_checks
from perfpilot.evals.loading import IncidentError, LoadedIncident, load_incident
from perfpilot.evals.results import IncidentResult, StepUsage
from perfpilot.evals.scoring import score_report
from perfpilot.evidence.load import load_evidence
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.skills.registry import SkillRegistry

log = structlog.get_logger(__name__)

PlannerFactory = Callable[[LoadedIncident], Planner]


def run_incident(
    loaded: LoadedIncident, planner: Planner, workdir: Path, registry: SkillRegistry | None = None
) -> RunReport:
    """One headless run of the incident's target on its recorded evidence (nothing applied, nothing live)."""
    evidence = load_evidence(loaded.target)
    options = RunOptions(
        workdir=workdir, planner=planner, registry=registry, run_id=f"eval-{loaded.incident.id}"
    )
    return run_workflow(evidence, options)


def result_of(loaded: LoadedIncident, report: RunReport, wall_time_s: float) -> IncidentResult:
    """Score a report against its incident and flatten it into a results line."""
    scored = score_report(loaded.incident, report)
    steps = [
        StepUsage(
            name=s.name, tokens_used=s.tokens_used, token_budget=s.token_budget, model_calls=s.model_calls
        )
        for s in report.steps
    ]
    return IncidentResult(
        id=loaded.incident.id,
        recorded_by=loaded.incident.recorded_by,
        error=report.error,
        status=report.status,
        tier=report.tier,
        decision_path=report.decision_path,
        path_ok=scored.path_ok,
        tier_ok=scored.tier_ok,
        status_ok=scored.status_ok,
        decision_score=scored.parts.get("decision"),
        bottleneck_layers=scored.layers,
        bottleneck_precision=scored.precision,
        bottleneck_recall=scored.recall,
        finding_recall=scored.finding_recall,
        findings_missed=scored.findings_missed,
        false_positives=scored.false_positives,
        remediation_score=scored.parts.get("remediation"),
        remediation_missed=scored.remediation_missed,
        improvement_score=scored.parts.get("improvement"),
        steps=steps,
        model_calls=sum(s.model_calls for s in steps),
        wall_time_s=round(wall_time_s, 3),
        score=scored.total,
        misses=scored.misses,
        checks=expectation_checks(loaded.incident, report),
    )


def invalid_result(folder: Path, error: IncidentError) -> IncidentResult:
    """An incident that could not be loaded: a failure with its problems, score 0."""
    return IncidentResult(
        id=folder.name,
        valid=False,
        error="; ".join(error.problems),
        misses=[f"invalid: {p}" for p in error.problems],
    )


def evaluate(
    folders: list[Path],
    planner_for: PlannerFactory,
    registry: SkillRegistry | None = None,
    workroot: Path | None = None,
) -> list[IncidentResult]:
    """Load, run and score each incident; an invalid or crashing one is a failed result, never a stop."""
    results: list[IncidentResult] = []
    with tempfile.TemporaryDirectory(prefix="perfpilot-eval-") as tmp:
        root = workroot or Path(tmp)
        for folder in folders:
            try:
                loaded = load_incident(folder)
            except IncidentError as exc:
                log.warning("eval.invalid", incident=folder.name, problems=exc.problems)
                results.append(invalid_result(folder, exc))
                continue
            started = time.perf_counter()
            try:
                report = run_incident(loaded, planner_for(loaded), root / loaded.incident.id, registry)
            except Exception as exc:  # a crash in one incident must not stop the others
                log.error("eval.crashed", incident=loaded.incident.id, error=str(exc))
                results.append(
                    IncidentResult(
                        id=loaded.incident.id,
                        recorded_by=loaded.incident.recorded_by,
                        error=f"{type(exc).__name__}: {exc}",
                        misses=[str(exc)],
                    )
                )
                continue
            results.append(result_of(loaded, report, time.perf_counter() - started))
            log.info("eval.done", incident=loaded.incident.id, score=results[-1].score)
    return results
