"""Dockerfile -> Dockerfile record: instructions with start lines, continuations joined, stages counted.

Parser directives (`# syntax=`, `# escape=`) are honoured, comments and blank lines skipped (also
inside continuations), and heredoc bodies (`RUN <<EOF ... EOF`) kept in the instruction's arguments.
Instructions before the first FROM (global ARGs) and the first stage have stage 0; each later FROM
starts the next stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.models import Dockerfile, DockerInstruction

INSTRUCTIONS = frozenset({
    "ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
    "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR",
})
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(\S+)\s*$")
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([a-zA-Z_][a-zA-Z0-9_]*)\2")
_HEREDOC_INSTRUCTIONS = frozenset({"RUN", "COPY", "ADD"})


def _directives(lines: list[str]) -> tuple[dict[str, str], int]:
    """Leading parser directives and the index of the first line after them."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        match = _DIRECTIVE.match(line.strip())
        if match is None or match.group(1).lower() in found:
            return found, index
        found[match.group(1).lower()] = match.group(2)
    return found, len(lines)


def _logical_lines(lines: list[str], start: int, escape: str) -> Iterator[tuple[int, str, list[str]]]:
    """Yield (start line, joined text, heredoc bodies) per instruction."""
    index = start
    while index < len(lines):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        first = index + 1
        parts: list[str] = []
        while True:
            text = lines[index].rstrip()
            index += 1
            if not text.endswith(escape) or (escape == "\\" and text.endswith("\\\\")):
                parts.append(text.strip())
                break
            parts.append(text[:-1].strip())
            while index < len(lines) and (not lines[index].strip() or lines[index].lstrip().startswith("#")):
                index += 1
            if index >= len(lines):
                break
        joined = " ".join(p for p in parts if p)
        bodies: list[str] = []
        keyword = joined.split(None, 1)[0].upper()
        if keyword in _HEREDOC_INSTRUCTIONS:
            for match in _HEREDOC.finditer(joined):
                body: list[str] = []
                strip_tabs, terminator = match.group(1) == "-", match.group(3)
                while index < len(lines):
                    line = lines[index]
                    index += 1
                    if (line.lstrip("\t") if strip_tabs else line).rstrip("\r\n") == terminator:
                        break
                    body.append(line.rstrip("\r\n"))
                else:
                    raise EvidenceError("", first, f"heredoc {terminator!r} is never closed")
                bodies.append("\n".join([*body, terminator]))
        yield first, joined, bodies


def parse_dockerfile(text: str, source: str) -> Dockerfile:
    """Parse Dockerfile text; malformed instructions raise EvidenceError with their line."""
    lines = text.splitlines()
    directives, start = _directives(lines)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        raise EvidenceError(source, None, f"escape directive must be \\ or `, got {escape!r}")
    instructions: list[DockerInstruction] = []
    stage, seen_from = 0, False
    try:
        for line, joined, bodies in _logical_lines(lines, start, escape):
            keyword, _, arguments = joined.partition(" ")
            name = keyword.upper()
            if name not in INSTRUCTIONS:
                raise EvidenceError(source, line, f"unknown instruction {keyword!r}")
            if name == "FROM":
                stage += 1 if seen_from else 0
                seen_from = True
            elif not seen_from and name != "ARG":
                raise EvidenceError(source, line, f"{name} before the first FROM")
            if not arguments.strip():
                raise EvidenceError(source, line, f"{name} needs arguments")
            full = "\n".join([arguments.strip(), *bodies])
            instructions.append(DockerInstruction(line=line, instruction=name, arguments=full, stage=stage))
    except EvidenceError as exc:
        raise EvidenceError(source, exc.line, exc.message) from None
    if not seen_from:
        raise EvidenceError(source, None, "no FROM instruction")
    return Dockerfile(source=source, instructions=instructions)


def load_dockerfile(path: Path, *, source: str | None = None) -> Dockerfile:
    """Load and parse one Dockerfile."""
    label = source or str(path)
    return parse_dockerfile(read_text(path, label), label)
