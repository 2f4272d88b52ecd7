"""What the checks need to know about one Dockerfile, read once: stages, base, packages, hadolint's view."""

from __future__ import annotations

from dataclasses import dataclass, field

from perfpilot.evidence.models import Dockerfile, DockerInstruction
from perfpilot.skills.container_image.base_images import BaseChoice, classify_base
from perfpilot.skills.container_image.dockerfile_model import (
    FromLine,
    apt_packages,
    commands,
    is_apt_install,
    is_apt_remove,
    named,
    stage_from,
    stages,
)
from perfpilot.skills.container_image.dockerfile_text import render_text, stage_images
from perfpilot.skills.container_image.hadolint import HadolintReport


@dataclass(frozen=True)
class AptInstall:
    """One apt install command in a stage the final image is built from, with what it leaves installed."""

    run: DockerInstruction
    packages: tuple[str, ...]


@dataclass
class ImageFacts:
    """The final image as the Dockerfile builds it."""

    dockerfile: Dockerfile
    stages: list[list[DockerInstruction]]
    final: list[DockerInstruction]
    final_from: FromLine | None
    base: BaseChoice | None
    hadolint: HadolintReport
    image_lines: frozenset[int] = frozenset()
    """Lines of the final stage and of the stages it builds FROM (their layers are in the final image)."""
    resolved: list[str] = field(default_factory=list)
    apt_installs: list[AptInstall] = field(default_factory=list)

    @property
    def source(self) -> str:
        return self.dockerfile.source

    @property
    def packages(self) -> frozenset[str]:
        return frozenset(p for install in self.apt_installs for p in install.packages)

    def hadolint_in_image(self, code: str) -> bool:
        """hadolint raised this rule on a line whose layer ends up in the final image."""
        return code in self.hadolint.codes_on(set(self.image_lines))

    @property
    def recommends(self) -> bool:
        return self.hadolint_in_image("DL3015")

    @property
    def apt_lists_kept(self) -> bool:
        return self.hadolint_in_image("DL3009")

    @property
    def pip_cache_kept(self) -> bool:
        return self.hadolint_in_image("DL3042")


def _chain(
    all_stages: list[list[DockerInstruction]], resolved: list[str]
) -> tuple[list[int], FromLine | None]:
    """Indices of the stages the final image is built from (final first), and the external image at the
    root, following `FROM <earlier stage alias>` links."""
    index = len(all_stages) - 1
    chain = [index]
    line = stage_from(all_stages[index], _at(resolved, index))
    aliases = {
        (f.alias or "").lower(): i
        for i, s in enumerate(all_stages[:index])
        if (f := stage_from(s)) is not None
    }
    while line is not None and line.image.lower() in aliases and aliases[line.image.lower()] not in chain:
        index = aliases[line.image.lower()]
        chain.append(index)
        line = stage_from(all_stages[index], _at(resolved, index))
    return chain, line


def _at(resolved: list[str], index: int) -> str:
    return resolved[index] if index < len(resolved) else ""


def _kept_packages(run: DockerInstruction) -> tuple[str, ...]:
    """Packages a RUN installs and does not purge again in the same layer. A purge naming no package
    (`apt-get purge --auto-remove $buildDeps`, the apt-mark pattern) counts as removing them all."""
    installed: list[str] = []
    removed: set[str] = set()
    removes_all = False
    for command in commands(run):
        if is_apt_install(command):
            installed.extend(p for p in apt_packages(command) if p not in installed)
        elif is_apt_remove(command):
            names = apt_packages(command)
            removed.update(names)
            removes_all |= not names or "$" in command
    return () if removes_all else tuple(p for p in installed if p not in removed)


def read_facts(dockerfile: Dockerfile, hadolint: HadolintReport) -> ImageFacts:
    """Read the final image's base, its apt installs, and hadolint's findings on its lines."""
    grouped = stages(dockerfile) or [[]]
    resolved = stage_images(render_text(dockerfile)) if dockerfile.instructions else []
    chain, root = _chain(grouped, resolved)
    facts = ImageFacts(
        dockerfile=dockerfile,
        stages=grouped,
        final=grouped[-1],
        final_from=root,
        base=classify_base(root) if root else None,
        hadolint=hadolint,
        image_lines=frozenset(i.line for index in chain for i in grouped[index]),
        resolved=resolved,
    )
    for index in reversed(chain):
        for run in named(grouped[index], "RUN"):
            if any(is_apt_install(c) for c in commands(run)):
                facts.apt_installs.append(AptInstall(run, _kept_packages(run)))
    return facts


def layer_instructions(stage: list[DockerInstruction]) -> list[DockerInstruction]:
    """Instructions that create filesystem layers (RUN, COPY, ADD)."""
    return named(stage, "RUN", "COPY", "ADD")
