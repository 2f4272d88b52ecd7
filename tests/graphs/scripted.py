"""A scripted planner: submits prepared artifacts per step, so the graph runs with no model at all."""

from __future__ import annotations

from pydantic import BaseModel

from perfpilot.agents.planners.base import Decision, Submit
from perfpilot.agents.session import StepSession


class ScriptedPlanner:
    name = "scripted"

    def __init__(self, artifacts: dict[str, BaseModel]) -> None:
        self.artifacts = artifacts

    def decide(self, session: StepSession) -> Decision:
        return Decision(actions=(Submit(self.artifacts[session.step.name]),))
