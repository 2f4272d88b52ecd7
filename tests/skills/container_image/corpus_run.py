"""Shared runner for the container corpus tests: load a corpus Dockerfile and run the skill on it."""

from __future__ import annotations

from pathlib import Path

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.dockerfile import load_dockerfile
from perfpilot.skills.base import SkillContext
from perfpilot.skills.container_image.skill import SKILL, ContainerImageOutput
from perfpilot.target.spec import EvidenceSources, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "container_image"
CORPUS = FIXTURES / "corpus"


def run_on(path: Path, workdir: Path, **options: object) -> ContainerImageOutput:
    """The skill's output for one Dockerfile read by the real evidence loader."""
    dockerfile = load_dockerfile(path, source=path.name)
    target = Target(name="corpus", evidence=EvidenceSources(containers=[path]))
    bundle = EvidenceBundle(target=target, dockerfiles=[dockerfile])
    return SKILL.invoke(dict(options), SkillContext(evidence=bundle, workdir=workdir))
