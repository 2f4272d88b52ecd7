"""A reading of a parsed Dockerfile: stages, FROM lines, and the shell commands inside RUN."""

from __future__ import annotations

import contextlib
import re
import shlex
from dataclasses import dataclass

from perfpilot.evidence.models import Dockerfile, DockerInstruction

_APT_INSTALL = re.compile(r"\b(?:apt(?:-get)?|aptitude)\b(?:\s+-\S+)*\s+install\b")
_APT_REMOVE = re.compile(r"\b(?:apt(?:-get)?|aptitude)\b(?:\s+-\S+)*\s+(?:purge|remove|autoremove)\b")
_APT_UPDATE = re.compile(r"\bapt(?:-get)?\b(?:\s+-\S+)*\s+update\b")
_PIP_INSTALL = re.compile(r"\b(?:pip[23]?|python[23]?\s+-m\s+pip)\s+install\b")
_SPLIT = re.compile(r"\s*(?:&&|\|\||;)\s*")


@dataclass(frozen=True)
class FromLine:
    """FROM [--platform=..] image[:tag|@digest] [AS alias]."""

    image: str
    repo: str
    tag: str
    alias: str | None
    line: int

    @property
    def pinned(self) -> bool:
        """A digest, or a tag naming more than a moving alias (latest, slim, alpine, lts, current, stable)."""
        moving = {"latest", "slim", "alpine", "lts", "current", "stable"}
        return "@sha256:" in self.image or (bool(self.tag) and not set(self.tag.split("-")) <= moving)


def parse_from(instruction: DockerInstruction, resolved: str = "") -> FromLine:
    """Split a FROM instruction into image, repository (no registry/library prefix), tag and alias;
    `resolved` is the image with ARG defaults substituted (dockerfile-parse), used when the FROM names a
    variable."""
    words = [w for w in instruction.arguments.split() if not w.startswith("--")]
    image = words[0] if words else ""
    if resolved and "$" in image:
        image = resolved
    alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
    name = image.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    repo = name[: len(name) - len(tag) - 1] if tag else name
    for prefix in ("docker.io/", "index.docker.io/", "library/"):
        repo = repo.removeprefix(prefix)
    return FromLine(image=image, repo=repo, tag=tag, alias=alias, line=instruction.line)


def stages(dockerfile: Dockerfile) -> list[list[DockerInstruction]]:
    """Instructions grouped by build stage, in order (instructions before the first FROM join stage 0)."""
    grouped: list[list[DockerInstruction]] = []
    leading: list[DockerInstruction] = []
    for instruction in dockerfile.instructions:
        if instruction.instruction.upper() == "FROM":
            grouped.append(leading if not grouped else [])
        if not grouped:
            leading.append(instruction)
            continue
        grouped[-1].append(instruction)
    return grouped or ([leading] if leading else [])


def stage_from(stage: list[DockerInstruction], resolved: str = "") -> FromLine | None:
    """The FROM line that opens a stage (`resolved`: its image with ARG defaults substituted)."""
    first = next((i for i in stage if i.instruction.upper() == "FROM"), None)
    return parse_from(first, resolved) if first else None


def named(stage: list[DockerInstruction], *names: str) -> list[DockerInstruction]:
    """Instructions of the given kinds (case-insensitive)."""
    wanted = {n.upper() for n in names}
    return [i for i in stage if i.instruction.upper() in wanted]


def commands(run: DockerInstruction) -> list[str]:
    """The shell commands a RUN chains with &&, || or ; (exec-form arrays joined)."""
    text = run.arguments.strip()
    if text.startswith("["):
        with contextlib.suppress(ValueError):
            text = " ".join(shlex.split(text.strip("[]").replace(",", " ")))
    text = re.sub(r"^(?:--\S+\s+)+", "", text)
    return [c.strip() for c in _SPLIT.split(text.replace("\\\n", " ")) if c.strip()]


def is_apt_install(command: str) -> bool:
    return bool(_APT_INSTALL.search(command))


def is_apt_update(command: str) -> bool:
    return bool(_APT_UPDATE.search(command))


def is_apt_remove(command: str) -> bool:
    return bool(_APT_REMOVE.search(command))


def is_pip_install(command: str) -> bool:
    return bool(_PIP_INSTALL.search(command))


def apt_packages(command: str) -> list[str]:
    """Package names an apt install (or purge/remove) command names (options and version pins stripped)."""
    match = _APT_INSTALL.search(command) or _APT_REMOVE.search(command)
    if not match:
        return []
    names: list[str] = []
    skip_next = False
    for word in command[match.end() :].split():
        if skip_next:
            skip_next = False
            continue
        if word == "-o":
            skip_next = True
            continue
        if word.startswith(("-", "$")):
            continue
        names.append(word.split("=", 1)[0])
    return names
