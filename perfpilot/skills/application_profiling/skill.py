"""The application-profiler skill: stack profiles in, hot paths and inefficiency findings out."""

from __future__ import annotations

from pydantic import Field

from perfpilot.skills.application_profiling.endpoints import endpoint_shares
from perfpilot.skills.application_profiling.findings import profile_findings
from perfpilot.skills.application_profiling.hot_functions import (
    HotFunction,
    application_hot_paths,
    hot_functions,
)
from perfpilot.skills.application_profiling.patterns import pattern_hits
from perfpilot.skills.application_profiling.toggles import with_toggles
from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput

HOT_PATH_FLOOR = 0.05


class ApplicationProfilerInput(SkillInput):
    top_functions: int = Field(default=10, ge=1, le=50, description="Hot functions listed per profile.")


class ApplicationProfilerOutput(SkillOutput):
    hot_functions: list[HotFunction] = Field(
        default_factory=list, description="Per profile, the functions with most total time (self time too)."
    )
    hot_paths: list[HotFunction] = Field(
        default_factory=list, description="Per profile, the application's own functions holding >= 5%."
    )
    endpoint_cpu_share: dict[str, float] = Field(
        default_factory=dict, description="Share of profiled CPU per endpoint, where profiles split so."
    )


def run(inp: ApplicationProfilerInput, ctx: SkillContext) -> ApplicationProfilerOutput:
    profiles = ctx.evidence.profiles
    output = ApplicationProfilerOutput()
    if not profiles:
        output.notes.append("No stack profile in the evidence: application time cannot be split by function.")
        return output
    for profile in profiles:
        if profile.total <= 0:
            output.notes.append(f"{profile.source}: the profile holds no samples.")
            continue
        paths = application_hot_paths(profile, HOT_PATH_FLOOR)
        output.hot_functions += hot_functions(profile, inp.top_functions)
        output.hot_paths += paths
        output.findings += profile_findings(profile, pattern_hits(profile), paths)
        if not paths:
            output.notes.append(
                f"{profile.source}: no application function holds {HOT_PATH_FLOOR:.0%} of the samples "
                "(the time is spread, or spent in libraries and the runtime)."
            )
    output.endpoint_cpu_share = endpoint_shares(profiles)
    service = ctx.evidence.target.evidence.service
    if service is not None and service.toggles:
        output.findings = with_toggles(output.findings, service.toggles)
    ctx.log.info("application_profiler.done", profiles=len(profiles), findings=len(output.findings))
    return output


SKILL = Skill(
    name="application-profiler",
    input_model=ApplicationProfilerInput,
    output_model=ApplicationProfilerOutput,
    run=run,
)
