"""Checks that make the image bigger: full base, build tools, apt recommends and lists, pip cache.

Savings are marginal, applied in the rewrite's order (slim base, multi-stage, no recommends, no apt lists,
no pip cache), so the findings' savings add up without overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from perfpilot.skills.container_image.build_settings import redact_instruction
from perfpilot.skills.container_image.dockerfile_model import removes_apt_lists
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import APT_LISTS_MB, BUILD_TOOLS, PIP_CACHE_MB
from perfpilot.skills.container_image.issues import Issue
from perfpilot.skills.container_image.sizing import (
    ImageState,
    current_state,
    multi_stage,
    slim_base,
    unknown_packages,
)

Step = Callable[[ImageState], ImageState]


def _excerpt(facts: ImageFacts, line: int) -> str:
    found = next((i for i in facts.dockerfile.instructions if i.line == line), None)
    return redact_instruction(found.instruction, found.arguments)[:300] if found else ""


def _candidates(facts: ImageFacts) -> list[tuple[str, int, Step, str, str, str]]:
    """(kind, line, step, title, root cause, fix) for every size problem present, in rewrite order."""
    found: list[tuple[str, int, Step, str, str, str]] = []
    base, line = facts.base, facts.final_from
    if base is not None and line is not None and not base.is_lean and base.lean_image:
        found.append(
            (
                "full_base_image",
                line.line,
                lambda s: slim_base(s, facts),
                f"Final image builds on the full {line.image}",
                f"{line.image} ships a full Debian userland and toolchain ({base.base.full_mb:.0f} MB); "
                f"{base.lean_image} is {base.base.slim_mb:.0f} MB.",
                f"FROM {base.lean_image}",
            )
        )
    tools = sorted(facts.packages & BUILD_TOOLS)
    if len(facts.stages) == 1 and tools:
        first = next(i for i in facts.apt_installs if set(i.packages) & BUILD_TOOLS)
        found.append(
            (
                "build_tools_in_final_image",
                first.run.line,
                multi_stage,
                f"Build tools ({', '.join(tools)}) stay in the single-stage image",
                "the only stage both compiles and runs, so compilers and headers ship in the final image.",
                "Split into a builder stage (compilers, dependency build) and a slim runtime stage that "
                "copies "
                "only the built artefacts (COPY --from=builder).",
            )
        )
    recommends = next((i for i in facts.apt_installs if i.recommends), None)
    if recommends is not None:
        found.append(
            (
                "apt_install_recommends",
                recommends.run.line,
                lambda s: replace(s, recommends=False),
                "apt-get install pulls in recommended packages",
                "without --no-install-recommends apt installs every 'Recommends' dependency too.",
                "apt-get install -y --no-install-recommends <packages>",
            )
        )
    kept = next((r for r in facts.apt_update_runs if not removes_apt_lists(r)), None)
    if kept is not None:
        found.append(
            (
                "apt_lists_not_removed",
                kept.line,
                lambda s: replace(s, apt_lists=False),
                "apt package lists stay in the image",
                f"the RUN that runs apt-get update does not remove /var/lib/apt/lists ({APT_LISTS_MB:.0f} "
                "MB) in "
                "the same layer; a later RUN cannot take them out of that layer.",
                "RUN apt-get update && apt-get install -y --no-install-recommends <packages> "
                "&& rm -rf /var/lib/apt/lists/*",
            )
        )
    if facts.pip_cache_kept:
        found.append(
            (
                "pip_cache_kept",
                facts.pip_runs[0].line,
                lambda s: replace(s, pip_cache=False),
                "pip keeps its download cache in the image",
                f"pip install without --no-cache-dir leaves every downloaded wheel in ~/.cache/pip "
                f"(planning figure {PIP_CACHE_MB:.0f} MB) on lines "
                f"{', '.join(str(r.line) for r in facts.pip_runs)}.",
                "pip install --no-cache-dir ...",
            )
        )
    return found


def size_issues(facts: ImageFacts) -> tuple[list[Issue], float]:
    """Size issues with their marginal savings, and the sized image's current size in MB."""
    state = current_state(facts)
    before = state.size_mb()
    unknown = unknown_packages(facts)
    caveat = f"; packages without a measured size left out: {', '.join(unknown)}" if unknown else ""
    if facts.base is None:
        caveat += "; base image not in the size table, so it is left out"
    issues = []
    for kind, line, step, title, cause, fix in _candidates(facts):
        after = step(state)
        saved = round(state.size_mb() - after.size_mb(), 1)
        method = (
            f"sized image {before} MB = base + measured apt packages + apt lists + pip cache "
            "(image_data.py); "
            f"this fix removes {saved} MB applied after the fixes listed before it{caveat}"
        )
        issues.append(
            Issue(
                kind=kind,
                line=line,
                excerpt=_excerpt(facts, line),
                title=title,
                root_cause=cause,
                fix=fix,
                saved_mb=saved,
                size_method=method,
                complexity="complex" if kind == "build_tools_in_final_image" else "quick_fix",
                effort_days=1.0 if kind == "build_tools_in_final_image" else 0.25,
            )
        )
        state = after
    return issues, before
