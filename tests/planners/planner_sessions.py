"""Minimal real StepSession objects for planner tests (a tiny target, two skills, real output and judgement
models)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import Field

from perfpilot.agents.planners.base import SkillCall
from perfpilot.agents.session import Budget, ContextItem, StepSession, ToolResult
from perfpilot.agents.steps.profiling import PROFILING
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext, SkillInput
from perfpilot.target.spec import EvidenceSources, Target

SKILLS = ("explain-query", "scan-logs")


class ExplainInput(SkillInput):
    """Input of the test skill explain-query."""

    query_id: str = Field(min_length=1)
    limit: int = Field(default=5, ge=1, le=50)


class ScanInput(SkillInput):
    """Input of the test skill scan-logs."""

    pattern: str = ""


INPUT_MODELS = {"explain-query": ExplainInput, "scan-logs": ScanInput}
DESCRIPTIONS = {"explain-query": "Explain one query shape's plan.", "scan-logs": "Scan the access logs."}


def make_session(
    tmp_path: Path,
    *,
    budget: int = 40_000,
    context: list[ContextItem] | None = None,
    results: list[ToolResult] | None = None,
    must_submit: bool = False,
    prompt: str = "You are the profiling step of perfpilot. Find the bottlenecks.",
) -> StepSession:
    target = Target(name="shop", evidence=EvidenceSources(access_logs=[Path("access.log")]))
    evidence = EvidenceBundle(target=target)
    agent = replace(PROFILING, skills=SKILLS, budget=budget)
    items = (
        context
        if context is not None
        else [
            ContextItem("evidence.inventory", '{"access log entries": 120}', 1.0, 8),
            ContextItem(
                "workload.q1", '{"shape": "SELECT * FROM orders WHERE id = ?", "count": 900}', 0.8, 20
            ),
        ]
    )
    return StepSession(
        step=agent,
        prompt=prompt,
        context=items,
        dropped=[],
        inputs={},
        evidence=evidence,
        skill_context=SkillContext(evidence=evidence, workdir=tmp_path),
        tool_schemas={name: model.model_json_schema() for name, model in INPUT_MODELS.items()},
        budget=Budget(budget),
        results=list(results or []),
        must_submit=must_submit,
    )


def result(skill: str, rendered: str, *, call_id: str = "", tokens: int = 0) -> ToolResult:
    return ToolResult(SkillCall(skill, {}, call_id), None, None, rendered, tokens)
