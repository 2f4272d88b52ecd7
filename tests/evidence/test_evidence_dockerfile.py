"""Dockerfile parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.dockerfile import load_dockerfile, parse_dockerfile
from perfpilot.evidence.errors import EvidenceError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


def test_instructions_lines_stages_continuations_and_heredocs() -> None:
    parsed = load_dockerfile(FIXTURES / "Dockerfile", source="Dockerfile")
    assert [(i.line, i.instruction, i.stage) for i in parsed.instructions] == [
        (3, "ARG", 0), (5, "FROM", 0), (6, "RUN", 0), (11, "COPY", 0), (15, "RUN", 0),
        (19, "FROM", 1), (20, "COPY", 1), (21, "CMD", 1),
    ]
    run = parsed.instructions[2]
    assert run.arguments == "apt-get update && apt-get install -y gcc libpq-dev"
    heredoc = parsed.instructions[4].arguments.splitlines()
    assert heredoc == ["<<EOF", "set -e", "pip install -r requirements.txt", "EOF"]
    assert parsed.source == "Dockerfile"


def test_escape_directive_backtick() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir c:\\ `\n  && echo done\n"
    parsed = parse_dockerfile(text, "Dockerfile.win")
    assert parsed.instructions[1].arguments == "dir c:\\ && echo done"


def test_lowercase_instructions_are_normalised() -> None:
    parsed = parse_dockerfile("from alpine:3.20\nrun apk add curl\n", "d")
    assert [i.instruction for i in parsed.instructions] == ["FROM", "RUN"]


def test_unknown_instruction_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_dockerfile(FIXTURES / "Dockerfile.bad", source="Dockerfile")
    assert str(caught.value) == "Dockerfile:6: unknown instruction 'COPPY'"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("RUN echo hi\n", 1, "before the first FROM"),
        ("# just a comment\n", None, "no FROM"),
        ("FROM alpine\nRUN <<EOF\necho\n", 2, "never closed"),
        ("FROM alpine\nEXPOSE\n", 2, "needs arguments"),
    ],
)
def test_malformed(text: str, line: int | None, fragment: str) -> None:
    with pytest.raises(EvidenceError) as caught:
        parse_dockerfile(text, "Dockerfile")
    assert caught.value.line == line and fragment in caught.value.message
