"""Dependency installs inside RUN: which ones can run before the source is copied, and their manifests."""

from __future__ import annotations

import re

from perfpilot.evidence.models import DockerInstruction
from perfpilot.skills.container_image.dockerfile_model import commands, is_apt_install, is_apt_update

_PIP_REQUIREMENTS = re.compile(r"\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b.*?(?:-r|--requirement)[ =](\S+)")
_PIP_NAMED = re.compile(r"\b(?:pip3?|python3?\s+-m\s+pip)\s+install\b(?P<args>.*)$")
_MANIFESTS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"\bnpm\s+(?:ci|install)\s*$"), ("package.json", "package-lock.json*")),
    (re.compile(r"\byarn(?:\s+install)?(?:\s+--\S+)*\s*$"), ("package.json", "yarn.lock")),
    (re.compile(r"\bbundle\s+install\b"), ("Gemfile", "Gemfile.lock")),
    (re.compile(r"\bgo\s+mod\s+download\b"), ("go.mod", "go.sum")),
    (re.compile(r"\bpoetry\s+install\b.*--no-root"), ("pyproject.toml", "poetry.lock")),
    (re.compile(r"\bcomposer\s+install\b"), ("composer.json", "composer.lock")),
)


def manifests_of(command: str) -> tuple[str, ...] | None:
    """Files a dependency install needs from the build context; () for a self-contained install (apt,
    `pip install name`); None when the command needs the whole source (`pip install .`) or is no install."""
    if is_apt_install(command) or is_apt_update(command):
        return ()
    requirements = _PIP_REQUIREMENTS.search(command)
    if requirements:
        return (requirements.group(1),)
    named = _PIP_NAMED.search(command)
    if named:
        args = [a for a in named["args"].split() if not a.startswith("-")]
        if any(a in (".", "./") or a.startswith((".", "/")) or a.endswith((".whl", ".tar.gz")) for a in args):
            return None
        return ()
    for pattern, files in _MANIFESTS:
        if pattern.search(command):
            return files
    return None


def dependency_manifests(run: DockerInstruction) -> tuple[str, ...] | None:
    """Manifests a RUN made only of dependency installs needs, or None when it is anything else."""
    needed: list[str] = []
    for command in commands(run):
        files = manifests_of(command)
        if files is None:
            return None
        needed.extend(f for f in files if f not in needed)
    return tuple(needed)


def copies_whole_context(instruction: DockerInstruction) -> bool:
    """COPY/ADD of '.' (the whole build context), not from another stage."""
    if instruction.instruction.upper() not in ("COPY", "ADD"):
        return False
    words = [w for w in instruction.arguments.split() if not w.startswith("--")]
    if "--from" in instruction.arguments or len(words) < 2:
        return False
    return any(w in (".", "./") for w in words[:-1])
