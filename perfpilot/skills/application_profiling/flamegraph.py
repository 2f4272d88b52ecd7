"""Render a Profile as a flame graph SVG: one box per frame of the merged call tree, width by samples.

Rendered here from the same samples as the collapsed stacks (rather than by a second py-spy run with
--format flamegraph), so the picture and the figures describe one window. Boxes narrower than
MIN_WIDTH_PX are left out (their samples stay in their parent's width); each box has a tooltip with
the frame, its samples and share. Application frames are orange, library frames yellow, runtime grey."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

from perfpilot.evidence.profile_models import Profile, ProfileFrame
from perfpilot.skills.application_profiling.origins import origin

WIDTH_PX = 1200
ROW_PX = 17
MIN_WIDTH_PX = 0.5
CHAR_PX = 6.6
HEADER_PX = 36
PALETTE = {"application": (230, 120, 40), "library": (215, 185, 60), "runtime": (160, 160, 160)}


@dataclass
class _Node:
    frame: ProfileFrame | None
    value: float = 0.0
    children: dict[int, _Node] = field(default_factory=dict)


def _tree(profile: Profile) -> _Node:
    root = _Node(frame=None)
    for stack in profile.stacks:
        node = root
        node.value += stack.value
        for index in stack.frames:
            node = node.children.setdefault(index, _Node(frame=profile.frames[index]))
            node.value += stack.value
    return root


def _colour(frame: ProfileFrame) -> str:
    red, green, blue = PALETTE[origin(frame)]
    jitter = hashlib.sha1(frame.function.encode()).digest()[0] % 30 - 15
    return f"rgb({min(255, red + jitter)},{min(255, max(0, green + jitter))},{blue})"


def _depth(node: _Node) -> int:
    return 1 + max((_depth(c) for c in node.children.values()), default=0)


def render_flamegraph(profile: Profile, title: str) -> str:
    """The SVG text of the profile's flame graph (root at the bottom)."""
    root = _tree(profile)
    total = root.value or 1.0
    height = HEADER_PX + _depth(root) * ROW_PX + 4
    scale = WIDTH_PX / total
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_PX}" height="{height}" '
        f'viewBox="0 0 {WIDTH_PX} {height}" font-family="monospace" font-size="11">',
        f'<rect width="{WIDTH_PX}" height="{height}" fill="#fdfdf6"/>',
        f'<text x="{WIDTH_PX / 2}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>',
        f'<text x="4" y="32" fill="#555">{escape(f"{total:g} {profile.unit} of {profile.value_type}")}'
        "; width: share of samples; hover for figures</text>",
    ]
    pending = [(root, 0.0, 0)]
    while pending:
        node, x, depth = pending.pop()
        offset = x
        for child in sorted(node.children.values(), key=lambda c: c.frame.label if c.frame else ""):
            width = child.value * scale
            if width >= MIN_WIDTH_PX and child.frame is not None:
                y = height - 4 - (depth + 1) * ROW_PX
                label = child.frame.label
                tip = f"{label}: {child.value:g} ({child.value / total:.1%})"
                parts.append(
                    f'<g><title>{escape(tip)}</title><rect x="{offset:.2f}" y="{y}" width="{width:.2f}" '
                    f'height="{ROW_PX - 1}" fill={quoteattr(_colour(child.frame))} rx="2"/>'
                )
                fits = int((width - 6) / CHAR_PX)
                if fits >= 3:
                    text = label if len(label) <= fits else label[: fits - 2] + ".."
                    parts.append(f'<text x="{offset + 3:.2f}" y="{y + ROW_PX - 5}">{escape(text)}</text>')
                parts.append("</g>")
                pending.append((child, offset, depth + 1))
            offset += width
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
