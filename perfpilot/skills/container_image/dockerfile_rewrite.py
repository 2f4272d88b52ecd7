"""The optimised Dockerfile as one text, and the sized image it would build."""

from __future__ import annotations

from dataclasses import dataclass, replace

from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.multistage import can_split, split_stages
from perfpilot.skills.container_image.rewrite import RuntimeOptions, rewrite_stage
from perfpilot.skills.container_image.sizing import ImageState, current_state, multi_stage, slim_base


@dataclass(frozen=True)
class Rewrite:
    """The rewritten text, whether it split stages, and the sized image after it."""

    text: str
    split: bool
    after: ImageState


def rewrite_dockerfile(facts: ImageFacts, options: RuntimeOptions) -> Rewrite:
    """Apply every fix; Python single-stage images that compile dependencies become multi-stage."""
    lines = [f"# Optimised by perfpilot from {facts.source}; review, build and test before use."]
    split = can_split(facts)
    if split:
        builder, runtime = split_stages(facts)
        lines += rewrite_stage(builder, facts, final=False, options=options)
        lines.append("")
        lines += rewrite_stage(runtime, facts, final=True, options=options)
    else:
        last = len(facts.stages) - 1
        for index, stage in enumerate(facts.stages):
            lines += rewrite_stage(stage, facts, final=index == last, options=options)
            if index != last:
                lines.append("")
    state = slim_base(current_state(facts), facts)
    if split:
        state = multi_stage(state)
    state = replace(state, recommends=False, apt_lists=False, pip_cache=False)
    return Rewrite(text="\n".join(lines) + "\n", split=split, after=state)
