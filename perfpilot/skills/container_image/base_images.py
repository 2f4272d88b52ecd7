"""Lean variants of official base images: python:3.11 -> python:3.11-slim, from the documented table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfpilot.skills.container_image.dockerfile_model import FromLine
from perfpilot.skills.container_image.image_data import BASE_IMAGES, LEAN_TAG_MARKERS, OTHER_SUITES, BaseImage

_VERSION_THEN_DISTRO = re.compile(r"^(?P<version>[0-9][0-9.]*)(?P<rest>-.*)?$")


@dataclass(frozen=True)
class BaseChoice:
    """A base image perfpilot knows, its size, and its slim variant when it is a full one."""

    base: BaseImage
    is_lean: bool
    lean_image: str | None

    @property
    def size_mb(self) -> float:
        return self.base.slim_mb if self.is_lean else self.base.full_mb


def _lean_tag(tag: str, style: str) -> str | None:
    if style == "append":
        return f"{tag}-slim" if tag and tag != "latest" else "stable-slim"
    if style == "jre":
        if not tag or tag == "latest":
            return None
        return tag.replace("-jdk", "-jre") if "-jdk" in tag else f"{tag}-jre"
    if not tag or tag == "latest":
        return "slim"
    match = _VERSION_THEN_DISTRO.match(tag)
    if not match:
        return None
    return f"{match['version']}-slim{match['rest'] or ''}"


def _names_other_suite(line: FromLine, base: BaseImage) -> bool:
    """The tag names a distribution release the catalog's sizes are not for (python:3.11-bullseye)."""
    words = set(re.split(r"[-.]", line.tag))
    for suite, numbers in OTHER_SUITES.items():
        if suite == base.suite:
            continue
        if suite in words or (line.repo == "debian" and line.tag.split("-")[0].split(".")[0] in numbers):
            return True
    return False


def classify_base(line: FromLine) -> BaseChoice | None:
    """The table entry for this FROM, or None for images perfpilot has no figures for."""
    base = BASE_IMAGES.get(line.repo)
    if base is None or _names_other_suite(line, base):
        return None
    if any(marker in line.tag for marker in LEAN_TAG_MARKERS):
        return BaseChoice(base=base, is_lean=True, lean_image=None)
    tag = _lean_tag(line.tag, base.slim_style)
    return BaseChoice(base=base, is_lean=False, lean_image=f"{line.repo}:{tag}" if tag else None)
