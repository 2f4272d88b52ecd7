"""Layer order: copying the whole source before installing dependencies re-runs the install on every
code change, because any changed file invalidates the build cache from that COPY on."""

from __future__ import annotations

from dataclasses import dataclass

from perfpilot.artifacts import ImpactEstimate
from perfpilot.evidence.models import DockerInstruction
from perfpilot.skills.container_image.build_settings import redact_instruction
from perfpilot.skills.container_image.dependencies import copies_whole_context, dependency_manifests
from perfpilot.skills.container_image.dockerfile_model import commands, is_apt_update
from perfpilot.skills.container_image.facts import ImageFacts, layer_instructions
from perfpilot.skills.container_image.issues import Issue

LAYER_IMPACT_FORMULA = (
    "impact = layers no longer rebuilt on a code change / layers rebuilt now (from the COPY of the "
    "source to the end of the stage)"
)


@dataclass(frozen=True)
class Reorder:
    """Where the source COPY is, which dependency RUNs can move before it, and the manifests they need."""

    copy: DockerInstruction
    moved: tuple[DockerInstruction, ...]
    manifests: tuple[str, ...]


def plan_reorder(stage: list[DockerInstruction]) -> Reorder | None:
    """The dependency RUNs after the first whole-context COPY that need only manifests, if any install."""
    index = next((i for i, ins in enumerate(stage) if copies_whole_context(ins)), None)
    if index is None:
        return None
    moved: list[DockerInstruction] = []
    manifests: list[str] = []
    for instruction in stage[index + 1 :]:
        if instruction.instruction.upper() != "RUN":
            continue
        needed = dependency_manifests(instruction)
        if needed is None:
            continue
        moved.append(instruction)
        manifests.extend(m for m in needed if m not in manifests)
    installs = [r for r in moved if not all(is_apt_update(c) for c in commands(r))]
    if not installs:
        return None
    return Reorder(copy=stage[index], moved=tuple(moved), manifests=tuple(manifests))


def layer_order_issues(facts: ImageFacts) -> list[Issue]:
    """One issue per stage whose dependency installs sit after the source COPY."""
    issues = []
    for stage in facts.stages:
        reorder = plan_reorder(stage)
        if reorder is None:
            continue
        layers = layer_instructions(stage)
        current = len([i for i in layers if i.line >= reorder.copy.line])
        expected = current - len(reorder.moved)
        lines = ", ".join(str(r.line) for r in reorder.moved)
        copy_first = f"COPY {' '.join(reorder.manifests)} ./\n" if reorder.manifests else ""
        issues.append(
            Issue(
                kind="cache_busting_layer_order",
                line=reorder.copy.line,
                excerpt=redact_instruction(reorder.copy.instruction, reorder.copy.arguments),
                title="Source is copied before dependencies are installed",
                root_cause=(
                    f"line {reorder.copy.line} copies the whole build context before the dependency "
                    "installs on "
                    f"line(s) {lines}; any source change invalidates the cache and re-runs them."
                ),
                fix=f"{copy_first}<dependency RUNs from line(s) {lines}>\n{reorder.copy.instruction.upper()} "
                f"{reorder.copy.arguments}",
                estimate=ImpactEstimate(
                    metric=f"layers_rebuilt_on_code_change:{facts.source}",
                    current=float(current),
                    expected=float(expected),
                    unit="layers",
                    method=f"RUN/COPY/ADD from line {reorder.copy.line} to the end of its stage, before and "
                    "after "
                    f"moving {len(reorder.moved)} dependency RUN(s) ahead of it; {LAYER_IMPACT_FORMULA}",
                ),
                impact=round((current - expected) / current, 4) if current else 0.0,
                priority="medium",
            )
        )
    return issues
