"""Split a single-stage Python image that compiles its dependencies into a builder and a slim runtime.

The builder installs the build tools and the pip dependencies into a virtualenv at /opt/venv; the runtime
stage copies only that virtualenv, so compilers and headers never reach the final image.
"""

from __future__ import annotations

from perfpilot.evidence.models import DockerInstruction
from perfpilot.skills.container_image.dependencies import dependency_manifests
from perfpilot.skills.container_image.dockerfile_model import (
    apt_packages,
    commands,
    is_apt_install,
    is_apt_update,
    is_pip_install,
    named,
)
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import BUILD_TOOLS
from perfpilot.skills.container_image.sizing import runtime_packages

VENV = "/opt/venv"


def _synthetic(instruction: str, arguments: str, stage: int) -> DockerInstruction:
    return DockerInstruction(line=0, instruction=instruction, arguments=arguments, stage=stage)


def _pip_dependency_runs(stage: list[DockerInstruction]) -> list[DockerInstruction]:
    return [
        r
        for r in named(stage, "RUN")
        if any(is_pip_install(c) for c in commands(r)) and dependency_manifests(r) is not None
    ]


def can_split(facts: ImageFacts) -> bool:
    """Single stage, Python base, build tools installed with apt, and pip dependency installs to move."""
    return (
        len(facts.stages) == 1
        and facts.final_from is not None
        and facts.final_from.repo == "python"
        and bool(facts.packages & BUILD_TOOLS)
        and bool(_pip_dependency_runs(facts.final))
    )


def _apt_only(run: DockerInstruction) -> bool:
    return all(is_apt_install(c) or is_apt_update(c) for c in commands(run))


def _runtime_apt(run: DockerInstruction) -> DockerInstruction | None:
    """The apt RUN with only runtime packages, None when nothing is left to install."""
    parts: list[str] = []
    for command in commands(run):
        if is_apt_install(command):
            names = apt_packages(command)
            keep = runtime_packages(frozenset(names))
            kept = [p for p in names if p in keep] + sorted(keep - set(names))
            parts.extend([f"apt-get install -y {' '.join(kept)}"] if kept else [])
    if not parts:
        return None
    arguments = " && ".join(["apt-get update", *parts])
    return DockerInstruction(line=run.line, instruction="RUN", arguments=arguments, stage=1)


def split_stages(facts: ImageFacts) -> tuple[list[DockerInstruction], list[DockerInstruction]]:
    """(builder, runtime) instruction lists for the single stage of `facts`."""
    stage = facts.final
    pip_runs = _pip_dependency_runs(stage)
    first_pip = stage.index(pip_runs[0])
    build_packages = sorted(p for p in facts.packages if p in BUILD_TOOLS or p.endswith("-dev"))
    workdirs = named(stage[:first_pip], "WORKDIR")
    manifests: list[str] = []
    for run in pip_runs:
        manifests.extend(m for m in dependency_manifests(run) or () if m not in manifests)
    source = facts.final_from.image if facts.final_from else "python"
    builder = [_synthetic("FROM", f"{source} AS builder", 0)]
    builder += [i for i in stage[:first_pip] if i.instruction.upper() in ("ARG", "ENV")]
    if build_packages and not (facts.base and facts.base.base.buildpack and not facts.base.is_lean):
        builder.append(
            _synthetic("RUN", f"apt-get update && apt-get install -y {' '.join(build_packages)}", 0)
        )
    builder.append(_synthetic("WORKDIR", workdirs[-1].arguments if workdirs else "/app", 0))
    if manifests:
        builder.append(_synthetic("COPY", f"{' '.join(manifests)} ./", 0))
    builder.append(_synthetic("RUN", f"python -m venv {VENV}", 0))
    builder.append(_synthetic("ENV", f'PATH="{VENV}/bin:$PATH"', 0))
    builder += pip_runs

    runtime: list[DockerInstruction] = []
    venv_copied = False
    for ins in stage:
        kind = ins.instruction.upper()
        if ins in pip_runs:
            continue
        if kind == "RUN" and _apt_only(ins):
            kept = _runtime_apt(ins)
            runtime.extend([kept] if kept is not None else [])
            continue
        runtime.append(ins)
        if kind == "WORKDIR" and not venv_copied:
            runtime.append(_synthetic("COPY", f"--from=builder {VENV} {VENV}", 1))
            runtime.append(_synthetic("ENV", f'PATH="{VENV}/bin:$PATH"', 1))
            venv_copied = True
    if not venv_copied:
        runtime.insert(1, _synthetic("COPY", f"--from=builder {VENV} {VENV}", 1))
        runtime.insert(2, _synthetic("ENV", f'PATH="{VENV}/bin:$PATH"', 1))
    return builder, runtime
