"""container-image-optimizer: the skill's typed input, output and run function."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from perfpilot.skills.base import Skill, SkillContext, SkillInput, SkillOutput
from perfpilot.skills.container_image.dockerfile_rewrite import rewrite_dockerfile
from perfpilot.skills.container_image.dockerfile_text import render_text
from perfpilot.skills.container_image.facts import read_facts
from perfpilot.skills.container_image.findings import (
    SKILL_NAME,
    hadolint_finding,
    issue_finding,
    rewrite_finding,
)
from perfpilot.skills.container_image.hadolint import (
    REWRITE_FIXES,
    HadolintIssue,
    HadolintReport,
    find_hadolint,
    run_hadolint,
)
from perfpilot.skills.container_image.image_data import DEFAULT_PULL_MBIT_S, pull_seconds
from perfpilot.skills.container_image.lint_layers import layer_order_issues
from perfpilot.skills.container_image.lint_runtime import runtime_issues
from perfpilot.skills.container_image.lint_size import size_issues
from perfpilot.skills.container_image.rewrite import RuntimeOptions
from perfpilot.skills.container_image.service_protocol import DeclaredProtocol, service_protocol


class ContainerImageInput(SkillInput):
    """Options for the Dockerfile analysis (the Dockerfiles come from the evidence)."""

    pull_bandwidth_mbit_s: float = Field(
        default=DEFAULT_PULL_MBIT_S, gt=0, description="Registry pull bandwidth for cold-start estimates."
    )
    healthcheck_path: str | None = Field(
        default=None, description="Path the HEALTHCHECK probes; default: the target's service ready_path."
    )
    service_protocol: DeclaredProtocol = Field(
        default="auto",
        description="Health-probe protocol; 'auto': gRPC when the Dockerfile names gRPC, else HTTP.",
    )


class ImageSummary(BaseModel):
    """One Dockerfile's sized image and cold-start pull time, before and after the rewrite."""

    model_config = ConfigDict(extra="forbid")

    source: str
    image_size_mb_before: float
    image_size_mb_after: float
    pull_seconds_before: float
    pull_seconds_after: float
    multi_stage_rewrite: bool
    rewritten_dockerfile: str = Field(description="Empty when the Dockerfile has no findings.")
    hadolint: str = Field(
        default="", description="hadolint version that checked the file, or why it did not."
    )


class ContainerImageOutput(SkillOutput):
    """Findings plus each Dockerfile's size and pull-time summary."""

    images: list[ImageSummary] = Field(default_factory=list)


def _ready_path(inp: ContainerImageInput, ctx: SkillContext) -> str:
    if inp.healthcheck_path:
        return inp.healthcheck_path
    service = ctx.evidence.target.evidence.service
    return service.ready_path if service else "/healthz"


def run(inp: ContainerImageInput, ctx: SkillContext) -> ContainerImageOutput:
    """Run hadolint and perfpilot's size/layer checks on every Dockerfile; rewrite those with findings."""
    out = ContainerImageOutput()
    bandwidth = inp.pull_bandwidth_mbit_s
    binary = find_hadolint()
    for dockerfile in ctx.evidence.dockerfiles:
        report = (
            run_hadolint(render_text(dockerfile), binary) if dockerfile.instructions else HadolintReport(True)
        )
        if not report.ran:
            out.notes.append(f"{dockerfile.source}: {report.note}")
        facts = read_facts(dockerfile, report)
        protocol = service_protocol(inp.service_protocol, dockerfile.instructions)
        options = RuntimeOptions(ready_path=_ready_path(inp, ctx), protocol=protocol)
        sized, savings, before = size_issues(facts)
        issues = sized + layer_order_issues(facts) + runtime_issues(facts, protocol)
        findings = [issue_finding(i, dockerfile.source, before, bandwidth) for i in issues]
        by_rule: dict[str, list[HadolintIssue]] = {}
        for hit in report.issues:
            by_rule.setdefault(hit.code, []).append(hit)
        for code, hits in by_rule.items():
            findings.append(hadolint_finding(hits, facts, savings.get(code), before, bandwidth))
        fixable = issues or any(hit.code in REWRITE_FIXES for hit in report.issues)
        rewrite = rewrite_dockerfile(facts, options) if fixable else None
        if rewrite is not None:
            kinds = [f.kind for f in findings]
            findings.append(rewrite_finding(dockerfile.source, rewrite, before, kinds, bandwidth))
        after = rewrite.after.size_mb() if rewrite else before
        out.findings.extend(findings)
        out.images.append(
            ImageSummary(
                source=dockerfile.source,
                image_size_mb_before=before,
                image_size_mb_after=after,
                pull_seconds_before=pull_seconds(before, bandwidth),
                pull_seconds_after=pull_seconds(after, bandwidth),
                multi_stage_rewrite=bool(rewrite and rewrite.split),
                rewritten_dockerfile=rewrite.text if rewrite else "",
                hadolint=report.version or report.note,
            )
        )
        ctx.log.info("dockerfile_analysed", source=dockerfile.source, findings=len(findings))
    if not ctx.evidence.dockerfiles:
        out.notes.append("no Dockerfiles in the evidence")
    return out


SKILL: Skill[ContainerImageInput, ContainerImageOutput] = Skill(
    name=SKILL_NAME,
    input_model=ContainerImageInput,
    output_model=ContainerImageOutput,
    run=run,
)
