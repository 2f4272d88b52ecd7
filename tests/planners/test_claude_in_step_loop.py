"""The Claude planner in the real step loop: allowed skills run, a registered foreign skill never does."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from perfpilot.agents.loop import StepRunner
from perfpilot.agents.planners.claude import ClaudePlanner
from perfpilot.agents.planners.offline import OfflinePlanner
from perfpilot.agents.steps.profiling import PROFILING
from perfpilot.artifacts import BottleneckInventory
from perfpilot.config import ModelSettings
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.registry import RegisteredSkill, SkillRegistry
from perfpilot.target.spec import EvidenceSources, Target
from tests.fakes.messages_api import FakeMessagesAPI, calls, tool_use


class CountInput(SkillInput):
    """Input of the test skill."""

    pattern: str = "GET"


@dataclass
class Runs:
    names: list[str] = field(default_factory=list)


def registry(runs: Runs) -> SkillRegistry:
    def make(name: str) -> RegisteredSkill:
        def run(inp: CountInput, ctx: SkillContext) -> SkillOutput:
            runs.names.append(name)
            return SkillOutput(notes=[f"{name} saw {inp.pattern}"])

        skill = Skill(name=name, input_model=CountInput, output_model=SkillOutput, run=run)
        return RegisteredSkill(name, f"Test skill {name}.", "", Path("."), skill)

    return SkillRegistry({name: make(name) for name in ("count-requests", "wipe-data")})


def test_step_loop_runs_allowed_skill_and_never_the_foreign_one(
    fake_api: FakeMessagesAPI, tmp_path: Path
) -> None:
    runs = Runs()
    reg = registry(runs)
    settings = ModelSettings.resolve(api_key="sk-ant-loop-test", base_url=fake_api.base_url, env={})
    planner = ClaudePlanner.for_registry(settings, reg, sleep=lambda s: None)
    fake_api.script(
        calls(tool_use("wipe-data", {"pattern": "*"})),  # registered, but not a skill of this step
        calls(tool_use("count-requests", {"pattern": "POST"})),
        calls(tool_use("submit", {"top_targets": [], "notes": ["quiet system"]})),
    )
    target = Target(name="shop", evidence=EvidenceSources(access_logs=[Path("access.log")]))
    evidence = EvidenceBundle(target=target)
    agent = replace(PROFILING, skills=("count-requests",), budget=60_000)
    runner = StepRunner(planner, reg, fallback=OfflinePlanner())
    outcome = runner.run(agent, evidence, {}, SkillContext(evidence=evidence, workdir=tmp_path))

    assert runs.names == ["count-requests"]
    assert [t["name"] for t in fake_api.bodies[0]["tools"]] == ["count-requests", "submit"]
    assert fake_api.bodies[0]["tools"][0]["description"] == "Test skill count-requests."
    assert isinstance(outcome.artifact, BottleneckInventory)
    assert outcome.artifact.notes[-1] == "quiet system"  # the judgement's note, on the assembled artifact
    assert outcome.record.planner == "claude"
    assert outcome.record.model_calls == 3
    assert outcome.record.tokens_in == 3 * 1000  # as the fake API reported it
    planner.close()
    third = fake_api.bodies[2]["messages"]
    assert third[-1]["content"][0]["tool_use_id"] == third[-2]["content"][0]["id"]
    assert "count-requests saw POST" in third[-1]["content"][0]["content"]
