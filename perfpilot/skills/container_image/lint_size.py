"""Checks that make the image bigger: a full base and build tools in the final image (perfpilot's own),
and the sizes behind hadolint's size rules (DL3015 recommends, DL3009 apt lists, DL3042 pip cache).

Savings are marginal, applied in the rewrite's order (slim base, multi-stage, no recommends, no apt lists,
no pip cache), so the findings' savings add up without overlap. Sizes come only from the catalog entry of
the base image actually used and measured package sizes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from perfpilot.skills.container_image.build_settings import redact_instruction
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import BUILD_TOOLS
from perfpilot.skills.container_image.issues import Issue
from perfpilot.skills.container_image.multistage import can_split
from perfpilot.skills.container_image.sizing import (
    ImageState,
    current_state,
    multi_stage,
    slim_base,
    unknown_packages,
)

TOOLCHAIN = " and a compiler toolchain"
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
                f"{line.image} ships a full userland{TOOLCHAIN if base.base.buildpack else ''} "
                f"({base.base.full_mb:.0f} MB); "
                f"{base.lean_image} is {base.base.slim_mb:.0f} MB (base_images.json, {base.base.date}).",
                f"FROM {base.lean_image}",
            )
        )
    tools = sorted(facts.packages & BUILD_TOOLS)
    if tools and can_split(facts):
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
    return found


@dataclass(frozen=True)
class RuleSaving:
    """What fixing one hadolint size rule (DL3009, DL3015, DL3042) removes from the final image."""

    saved_mb: float
    method: str


_RULE_STEPS: tuple[tuple[str, Step], ...] = (
    ("DL3015", lambda s: replace(s, recommends=False)),
    ("DL3009", lambda s: replace(s, apt_lists=False)),
    ("DL3042", lambda s: replace(s, pip_cache=False)),
)
"""hadolint's size rules in the rewrite's order (after the slim base and the multi-stage split)."""


def _method(before: float, saved: float, facts: ImageFacts, caveat: str) -> str:
    repo = facts.final_from.repo if facts.final_from else ""
    base = f" entry {repo}, {facts.base.base.date}" if facts.base else ""
    return (
        f"sized image {before} MB = base + measured apt packages + apt lists + pip cache (image_data.py, "
        f"base_images.json{base}); this fix removes {saved} MB applied after the fixes listed before it"
        f"{caveat}"
    )


def size_issues(facts: ImageFacts) -> tuple[list[Issue], dict[str, RuleSaving], float]:
    """perfpilot's own size issues and the savings of hadolint's size rules that hit the final image,
    each marginal in the rewrite's order, and the sized image's current size in MB."""
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
        method = _method(before, saved, facts, caveat)
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
    rules: dict[str, RuleSaving] = {}
    for code, rule_step in _RULE_STEPS:
        if facts.hadolint_in_image(code):
            after = rule_step(state)
            saved = round(state.size_mb() - after.size_mb(), 1)
            rules[code] = RuleSaving(saved, _method(before, saved, facts, caveat))
            state = after
    return issues, rules, before
