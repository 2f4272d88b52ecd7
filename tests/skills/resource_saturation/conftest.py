"""Shared loading of the resource-saturation fixtures (real k6, Prometheus and query_range formats)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from perfpilot.evidence import load_evidence
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.base import SkillContext
from perfpilot.skills.resource_saturation.skill import SKILL, SaturationOutput
from perfpilot.target import load_target
from perfpilot.target.spec import Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "resource_saturation"


def target(name: str, **slos: Any) -> Target:
    """The fixture target `<name>-target.yaml`, its SLOs updated with `slos`."""
    loaded = load_target(FIXTURES / f"{name}-target.yaml")
    return loaded.model_copy(update={"slos": loaded.slos.model_copy(update=slos)})


def evidence(spec: Target) -> EvidenceBundle:
    return load_evidence(spec, strict=True)


def analyse(bundle: EvidenceBundle, workdir: Path) -> SaturationOutput:
    out = SKILL.invoke({}, SkillContext(evidence=bundle, workdir=workdir))
    assert isinstance(out, SaturationOutput)
    return out
