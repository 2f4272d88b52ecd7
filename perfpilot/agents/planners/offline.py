"""The offline planner: each step's deterministic policy chooses the skills, then the step assembles."""

from __future__ import annotations

from perfpilot.agents.planners.base import Action, Decision, SkillCall, Submit
from perfpilot.agents.session import StepSession
from perfpilot.agents.step import PolicySettings


class OfflinePlanner:
    """Calls each skill the step's policy names (once, if the step allows it), then submits the artifact."""

    name = "offline"

    def __init__(
        self,
        *,
        load_test_duration_s: float | None = None,
        load_test_rate_rps: float | None = None,
        baseline_repeats: int = 2,
        after_repeats: int = 3,
    ) -> None:
        self.settings = PolicySettings(
            load_test_duration_s=load_test_duration_s,
            load_test_rate_rps=load_test_rate_rps,
            baseline_repeats=baseline_repeats,
            after_repeats=after_repeats,
        )

    def decide(self, session: StepSession) -> Decision:
        if not session.must_submit:
            allowed = set(session.tool_schemas)
            for skill, arguments in session.step.policy(session, self.settings):
                if skill in allowed and not session.called(skill):
                    return Decision(actions=(SkillCall(skill, arguments, call_id=f"offline-{skill}"),))
        action: Action = Submit(session.step.assemble(session))
        return Decision(actions=(action,))
