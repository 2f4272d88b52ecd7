"""What the checks need to know about one Dockerfile, read once: stages, base, packages, installs."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.evidence.models import Dockerfile, DockerInstruction
from perfpilot.skills.container_image.base_images import BaseChoice, classify_base
from perfpilot.skills.container_image.build_settings import settings
from perfpilot.skills.container_image.dockerfile_model import (
    FromLine,
    apt_packages,
    commands,
    is_apt_install,
    is_apt_update,
    is_pip_install,
    named,
    removes_apt_lists,
    stage_from,
    stages,
)


@dataclass(frozen=True)
class AptInstall:
    """One apt install command in the final stage."""

    run: DockerInstruction
    packages: tuple[str, ...]
    recommends: bool


@dataclass
class ImageFacts:
    """The final image as the Dockerfile builds it."""

    dockerfile: Dockerfile
    stages: list[list[DockerInstruction]]
    final: list[DockerInstruction]
    final_from: FromLine | None
    base: BaseChoice | None
    apt_installs: list[AptInstall] = field(default_factory=list)
    apt_update_runs: list[DockerInstruction] = field(default_factory=list)
    pip_runs: list[DockerInstruction] = field(default_factory=list)
    pip_cache_disabled: bool = False

    @property
    def source(self) -> str:
        return self.dockerfile.source

    @property
    def packages(self) -> frozenset[str]:
        return frozenset(p for install in self.apt_installs for p in install.packages)

    @property
    def recommends(self) -> bool:
        return any(install.recommends for install in self.apt_installs)

    @property
    def apt_lists_kept(self) -> bool:
        return any(not removes_apt_lists(run) for run in self.apt_update_runs)

    @property
    def pip_cache_kept(self) -> bool:
        return bool(self.pip_runs) and not self.pip_cache_disabled


def _resolve_from(all_stages: list[list[DockerInstruction]], index: int) -> FromLine | None:
    """The external image a stage builds on, following `FROM <earlier stage alias>` links."""
    line = stage_from(all_stages[index])
    aliases = {
        (f.alias or "").lower(): i
        for i, s in enumerate(all_stages[:index])
        if (f := stage_from(s)) is not None
    }
    seen = set()
    while line is not None and line.image.lower() in aliases and line.image.lower() not in seen:
        seen.add(line.image.lower())
        line = stage_from(all_stages[aliases[line.image.lower()]])
    return line


def read_facts(dockerfile: Dockerfile) -> ImageFacts:
    """Read the final stage's base image, apt and pip installs."""
    grouped = stages(dockerfile) or [[]]
    final_from = _resolve_from(grouped, len(grouped) - 1)
    facts = ImageFacts(
        dockerfile=dockerfile,
        stages=grouped,
        final=grouped[-1],
        final_from=final_from,
        base=classify_base(final_from) if final_from else None,
    )
    for instruction in grouped[-1]:
        kind = instruction.instruction.upper()
        if kind == "ENV":
            facts.pip_cache_disabled |= any(
                name == "PIP_NO_CACHE_DIR" and (value or "").lower() not in ("0", "false", "no", "off")
                for name, value in settings(kind, instruction.arguments)
            )
        if kind != "RUN":
            continue
        for command in commands(instruction):
            if is_apt_install(command):
                recommends = "--no-install-recommends" not in command and "Recommends=false" not in command
                facts.apt_installs.append(AptInstall(instruction, tuple(apt_packages(command)), recommends))
            if is_apt_update(command) and instruction not in facts.apt_update_runs:
                facts.apt_update_runs.append(instruction)
            if (
                is_pip_install(command)
                and "--no-cache-dir" not in command
                and instruction not in facts.pip_runs
            ):
                facts.pip_runs.append(instruction)
    return facts


def layer_instructions(stage: list[DockerInstruction]) -> list[DockerInstruction]:
    """Instructions that create filesystem layers (RUN, COPY, ADD)."""
    return named(stage, "RUN", "COPY", "ADD")
