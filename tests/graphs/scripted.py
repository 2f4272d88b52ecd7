"""A scripted planner: submits prepared artifacts per step, so the graph runs with no model at all.

Findings in a prepared artifact are first recorded as a scripted skill's output: the loop keeps only
findings some skill computed, and so does this planner's run."""

from __future__ import annotations

from pydantic import BaseModel

from perfpilot.agents.planners.base import Decision, SkillCall, Submit
from perfpilot.agents.session import StepSession, ToolResult
from perfpilot.skills.base import SkillOutput


class ScriptedPlanner:
    name = "scripted"

    def __init__(self, artifacts: dict[str, BaseModel]) -> None:
        self.artifacts = artifacts

    def decide(self, session: StepSession) -> Decision:
        artifact = self.artifacts[session.step.name]
        findings = list(getattr(artifact, "findings", []))
        if findings and not session.results:
            output = SkillOutput(findings=findings)
            session.results.append(ToolResult(SkillCall("scripted"), output, None, "", 0))
        return Decision(actions=(Submit(artifact),))
