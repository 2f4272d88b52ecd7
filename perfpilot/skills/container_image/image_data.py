"""Documented figures the container findings use: base image sizes, package sizes, pull constants.

Base image sizes live in the catalog base_images.json (each entry with its source and date).
Package sizes were measured on Debian bookworm amd64:
the sum of `Installed-Size` over a package's Depends/Pre-Depends closure, leaving out the
`Priority: required` packages every Debian base image already has (`apt-cache show`, 2026-11-28).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class BaseImage:
    """An official image repository: the size of its full tag and of its slim variant (MB), and where
    those figures come from (catalog entry in base_images.json)."""

    full_mb: float
    slim_mb: float
    slim_style: str
    """'insert': 3.11 -> 3.11-slim, 3.11-bookworm -> 3.11-slim-bookworm; 'append': bookworm -> bookworm-slim;
    'jre': 21 / 21-jdk -> 21-jre."""
    buildpack: bool
    """The full tag builds on buildpack-deps, so compilers and common -dev headers are already inside."""
    runtime: str
    """Interpreter available in the image for a HEALTHCHECK command: 'python', 'node' or ''."""
    source: str
    date: str
    suite: str
    """Distribution release the sizes are for (tags naming another release are not sized)."""


def _load_catalog() -> dict[str, BaseImage]:
    raw = json.loads(resources.files(__package__).joinpath("base_images.json").read_text(encoding="utf-8"))
    return {
        repo: BaseImage(
            full_mb=float(entry["full_mb"]),
            slim_mb=float(entry["slim_mb"]),
            slim_style=str(entry["slim_style"]),
            buildpack=bool(entry["full_build_tools"]),
            runtime=str(entry["runtime"]),
            source=str(entry["source"]),
            date=str(entry["date"]),
            suite=str(entry["suite"]),
        )
        for repo, entry in raw["images"].items()
    }


BASE_IMAGES: dict[str, BaseImage] = _load_catalog()
"""The base-image catalog (data file base_images.json, each entry with its source and date)."""

OTHER_SUITES = {
    "buster": ("10",),
    "bullseye": ("11",),
    "bookworm": ("12",),
    "trixie": ("13",),
    "focal": (),
    "jammy": (),
    "noble": (),
}
"""Debian/Ubuntu releases a tag can name (word, and debian's numeric tags for it)."""

LEAN_TAG_MARKERS = ("slim", "alpine", "distroless", "jre", "minimal", "static")
"""A tag holding one of these is already a lean variant."""

APT_PACKAGE_MB: dict[str, tuple[float, float]] = {
    "build-essential": (328, 88),
    "gcc": (189, 87),
    "g++": (272, 59),
    "make": (14, 3),
    "git": (129, 16),
    "curl": (36, 4),
    "wget": (26, 15),
    "vim": (54, 3),
    "sqlite3": (16, 3),
    "libsqlite3-dev": (47, 61),
    "libpq-dev": (46, 0),
    "libpq5": (33, 1),
    "libssl-dev": (31, 2),
    "libffi-dev": (13, 2),
}
"""Measured (MB without recommends, extra MB that recommends add) per package; see the module docstring."""

BUILD_ESSENTIAL_PARTS = frozenset({"gcc", "g++", "make"})
"""Packages build-essential already pulls in; counted once when listed together with it."""

BUILDPACK_PACKAGES = frozenset(
    {
        "build-essential",
        "gcc",
        "g++",
        "make",
        "git",
        "curl",
        "wget",
        "libpq-dev",
        "libsqlite3-dev",
        "libssl-dev",
        "libffi-dev",
        "libpq5",
    }
)
"""Packages the buildpack-deps:bookworm image (base of the full python/node/ruby tags) already installs,
per its Dockerfiles (curl, scm and full layers); installing them there adds nothing."""

BUILD_TOOLS = frozenset(
    {
        "build-essential",
        "gcc",
        "g++",
        "make",
        "cmake",
        "clang",
        "pkg-config",
        "autoconf",
        "automake",
        "libtool",
        "python3-dev",
    }
)
"""Compilers and build helpers that belong in a build stage, not in the image that runs."""

DEV_RUNTIME_LIBRARY: dict[str, str | None] = {
    "libpq-dev": "libpq5",
    "libsqlite3-dev": None,
    "libssl-dev": None,
    "libffi-dev": None,
}
"""Runtime library a -dev package's users need at run time (None: the slim base already has it)."""

APT_LISTS_MB = 19.0
"""`du -sh /var/lib/apt/lists` after `apt-get update` on Debian bookworm with the Docker images' apt
settings (main, updates, security; lz4 indexes), measured 2026-11-28."""

PIP_CACHE_MB = 50.0
"""Planning figure for ~/.cache/pip after installing a web service's requirements (pip keeps every
downloaded wheel); check yours with `docker run --rm <image> du -sm /root/.cache/pip`."""

COMPRESSED_FRACTION = 0.37
"""Registry (gzip) size over unpacked size for Debian-based images: python:3.11 is about 370 MB on
Docker Hub against about 1,010 MB unpacked."""

DEFAULT_PULL_MBIT_S = 100.0
"""Planning figure for a node pulling layers from a registry (100 Mbit/s); set `pull_bandwidth_mbit_s`."""

NON_ROOT_UID = 10001
"""UID for the non-root user the rewrite adds (above the range distributions hand to system users)."""


def pull_seconds(size_mb: float, bandwidth_mbit_s: float) -> float:
    """Seconds to pull an image of `size_mb` unpacked: compressed bytes over the link bandwidth."""
    return round(size_mb * COMPRESSED_FRACTION * 8 / bandwidth_mbit_s, 1)
