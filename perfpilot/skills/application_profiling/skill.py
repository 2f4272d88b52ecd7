"""The application-profiler skill: stack profiles in, hot paths and inefficiency findings out."""

from __future__ import annotations

from pydantic import Field

from perfpilot.skills.application_profiling.endpoints import endpoint_shares
from perfpilot.skills.application_profiling.findings import pattern_finding, profile_findings
from perfpilot.skills.application_profiling.hot_functions import (
    HotFunction,
    application_hot_paths,
    hot_functions,
)
from perfpilot.skills.application_profiling.lock_waits import lock_waits, unexplained_note
from perfpilot.skills.application_profiling.patterns import pattern_hits
from perfpilot.skills.application_profiling.source_lines import source_roots
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
    roots = source_roots(ctx.evidence.target)
    for profile in profiles:
        if profile.total <= 0:
            output.notes.append(f"{profile.source}: the profile holds no samples.")
            continue
        paths = application_hot_paths(profile, HOT_PATH_FLOOR)
        output.hot_functions += hot_functions(profile, inp.top_functions)
        output.hot_paths += paths
        hits = [h for h in pattern_hits(profile) if h.pattern.kind != "lock_contention"]
        waiting = profile.waiting
        lock_hit, unexplained = lock_waits(waiting or profile, roots, every_thread=waiting is not None)
        if waiting is None:
            hits += [lock_hit] if lock_hit is not None else []
        output.findings += profile_findings(profile, hits, paths, roots)
        if waiting is not None and lock_hit is not None:
            output.findings.append(pattern_finding(waiting, lock_hit))
        output.notes += [unexplained_note(waiting or profile, wait) for wait in unexplained]
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
