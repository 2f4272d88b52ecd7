"""Fixtures for the container tests: a test-local Dockerfile reader producing evidence records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Dockerfile, DockerInstruction
from perfpilot.target.spec import EvidenceSources, ServiceSource, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "container_image"


def read_dockerfile(path: Path) -> Dockerfile:
    """Join continuation lines, skip comments, number stages by FROM."""
    instructions: list[DockerInstruction] = []
    stage, buffer, start = -1, "", 0
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if not buffer:
            start = number
        if line.endswith("\\"):
            buffer += line[:-1].strip() + " "
            continue
        text = (buffer + line).strip()
        buffer = ""
        keyword, _, arguments = text.partition(" ")
        if keyword.upper() == "FROM":
            stage += 1
        instructions.append(
            DockerInstruction(
                line=start, instruction=keyword.upper(), arguments=arguments.strip(), stage=max(stage, 0)
            )
        )
    return Dockerfile(source=path.name, instructions=instructions)


def bundle_for(*names: str) -> EvidenceBundle:
    target = Target(
        name="shop",
        evidence=EvidenceSources(
            containers=[Path(n) for n in names],
            service=ServiceSource(command=["python", "-m", "shop.serve"], ready_path="/healthz"),
        ),
    )
    return EvidenceBundle(target=target, dockerfiles=[read_dockerfile(FIXTURES / n) for n in names])


@pytest.fixture
def dockerfile_bundle() -> Callable[..., EvidenceBundle]:
    """Build an evidence bundle from fixture Dockerfiles by name."""
    return bundle_for


def bundle_of(dockerfile: Dockerfile) -> EvidenceBundle:
    return bundle_for("Dockerfile.clean").model_copy(update={"dockerfiles": [dockerfile]})


@pytest.fixture
def dockerfile_record_bundle() -> Callable[[Dockerfile], EvidenceBundle]:
    """Build an evidence bundle around one Dockerfile record."""
    return bundle_of


@pytest.fixture
def dockerfile_reader() -> Callable[[Path], Dockerfile]:
    """The test-local Dockerfile reader."""
    return read_dockerfile
