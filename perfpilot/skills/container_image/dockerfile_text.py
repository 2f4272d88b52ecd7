"""A Dockerfile record as text again, each instruction on its original line, and its stages' base
images as dockerfile-parse resolves them (ARG defaults substituted into FROM)."""

from __future__ import annotations

import io

from dockerfile_parse import DockerfileParser

from perfpilot.evidence.models import Dockerfile


def render_text(dockerfile: Dockerfile) -> str:
    """One instruction per line at its recorded line number (blank lines fill the gaps), so the line
    numbers hadolint reports are the evidence's; comments and continuations are not kept."""
    lines: list[str] = []
    for instruction in dockerfile.instructions:
        while len(lines) < instruction.line - 1:
            lines.append("")
        lines.extend(f"{instruction.instruction.upper()} {instruction.arguments}".split("\n"))
    return "\n".join(lines) + "\n"


def stage_images(text: str) -> list[str]:
    """Each stage's FROM image, `${VAR}` replaced by the ARG default in force (dockerfile-parse);
    a variable with no default stays as written."""
    parser = DockerfileParser(fileobj=io.BytesIO(text.encode()))
    return list(parser.parent_images)
