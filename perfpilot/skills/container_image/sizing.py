"""Image size arithmetic over what perfpilot can size: the base image and known apt packages, the apt lists
and the pip cache. Application layers are the same before and after, so they are left out."""

from __future__ import annotations

from dataclasses import dataclass, replace

from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import (
    APT_LISTS_MB,
    APT_PACKAGE_MB,
    BUILD_ESSENTIAL_PARTS,
    BUILD_TOOLS,
    BUILDPACK_PACKAGES,
    DEV_RUNTIME_LIBRARY,
    PIP_CACHE_MB,
)


@dataclass(frozen=True)
class ImageState:
    """The sizeable parts of an image."""

    base_mb: float
    buildpack: bool
    packages: frozenset[str]
    recommends: bool
    apt_lists: bool
    pip_cache: bool

    def packages_mb(self) -> float:
        counted = set(self.packages) - (BUILDPACK_PACKAGES if self.buildpack else set())
        if "build-essential" in counted:
            counted -= BUILD_ESSENTIAL_PARTS
        total = 0.0
        for name in counted:
            plain, extra = APT_PACKAGE_MB.get(name, (0.0, 0.0))
            total += plain + (extra if self.recommends else 0.0)
        return total

    def size_mb(self) -> float:
        lists = APT_LISTS_MB if self.apt_lists else 0.0
        pip = PIP_CACHE_MB if self.pip_cache else 0.0
        return round(self.base_mb + self.packages_mb() + lists + pip, 1)


def runtime_packages(packages: frozenset[str]) -> frozenset[str]:
    """Packages the runtime stage keeps: no compilers, each -dev swapped for its library."""
    kept: set[str] = set()
    for name in packages:
        if name in BUILD_TOOLS:
            continue
        if name.endswith("-dev") and name in DEV_RUNTIME_LIBRARY:
            library = DEV_RUNTIME_LIBRARY[name]
            kept.update([library] if library else [])
            continue
        kept.add(name)
    return frozenset(kept)


def current_state(facts: ImageFacts) -> ImageState:
    """The image as built now."""
    base = facts.base
    return ImageState(
        base_mb=base.size_mb if base else 0.0,
        buildpack=bool(base and base.base.buildpack and not base.is_lean),
        packages=facts.packages,
        recommends=facts.recommends,
        apt_lists=facts.apt_lists_kept,
        pip_cache=facts.pip_cache_kept,
    )


def slim_base(state: ImageState, facts: ImageFacts) -> ImageState:
    """Swap the final base for its slim variant."""
    if facts.base is None or facts.base.is_lean or facts.base.lean_image is None:
        return state
    return replace(state, base_mb=facts.base.base.slim_mb, buildpack=False)


def multi_stage(state: ImageState) -> ImageState:
    """Build in a builder stage; the runtime keeps no compilers."""
    return replace(state, packages=runtime_packages(state.packages))


def unknown_packages(facts: ImageFacts) -> list[str]:
    """Installed packages with no measured size (their effect is left out of the estimates)."""
    return sorted(p for p in facts.packages if p not in APT_PACKAGE_MB)
