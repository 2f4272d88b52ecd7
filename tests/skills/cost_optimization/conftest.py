"""Fixtures for the cost tests: test-local readers of inventory YAML, manifests and Prometheus text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.evidence.models import Instance, K8sContainer, K8sWorkload, MetricSample
from perfpilot.target.spec import EvidenceSources, InfrastructureSource, Target

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "skills" / "cost_optimization"

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][\w:]*)\{(?P<labels>[^}]*)\}\s+(?P<value>\S+)(?:\s+(?P<ts>\d+))?$")


def read_instances(path: Path) -> list[Instance]:
    return [Instance(**item) for item in yaml.safe_load(path.read_text())["instances"]]


def _cores(value: str | None) -> float | None:
    if value is None:
        return None
    text = str(value)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


def _mib(value: str | None) -> float | None:
    if value is None:
        return None
    text = str(value)
    units = {"Gi": 1024.0, "Mi": 1.0, "Ki": 1 / 1024}
    for suffix, factor in units.items():
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * factor
    return float(text) / 2**20


def read_workloads(path: Path) -> list[K8sWorkload]:
    workloads = []
    for doc in yaml.safe_load_all(path.read_text()):
        containers = []
        for c in doc["spec"]["template"]["spec"]["containers"]:
            res = c.get("resources", {})
            req, lim = res.get("requests", {}), res.get("limits", {})
            containers.append(
                K8sContainer(
                    name=c["name"],
                    image=c["image"],
                    cpu_request=_cores(req.get("cpu")),
                    cpu_limit=_cores(lim.get("cpu")),
                    memory_request_mib=_mib(req.get("memory")),
                    memory_limit_mib=_mib(lim.get("memory")),
                )
            )
        meta = doc["metadata"]
        workloads.append(
            K8sWorkload(
                kind=doc["kind"],
                name=meta["name"],
                namespace=meta.get("namespace", "default"),
                replicas=doc["spec"].get("replicas", 1),
                containers=containers,
                source=path.name,
            )
        )
    return workloads


def read_samples(path: Path) -> list[MetricSample]:
    samples = []
    for line in path.read_text().splitlines():
        match = _SAMPLE.match(line.strip())
        if not match:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', match["labels"]))
        ts = int(match["ts"]) if match["ts"] else None
        samples.append(
            MetricSample(name=match["name"], labels=labels, value=float(match["value"]), timestamp_ms=ts)
        )
    return samples


def shop_target(architecture: str) -> Target:
    infra = InfrastructureSource(inventory=Path("inventory.yaml"), kubernetes=[Path("workloads.yaml")])
    return Target(name="shop", architecture=architecture, evidence=EvidenceSources(infrastructure=infra))


@pytest.fixture
def problem_bundle() -> EvidenceBundle:
    """The over-provisioned fleet with a single-node database, manifests and cAdvisor samples."""
    return EvidenceBundle(
        target=shop_target(
            "Django API on two nodes behind a load balancer; a single-node PostgreSQL primary."
        ),
        instances=read_instances(FIXTURES / "inventory.yaml"),
        kubernetes=read_workloads(FIXTURES / "workloads.yaml"),
        metrics=read_samples(FIXTURES / "container_metrics.prom"),
    )


@pytest.fixture
def healthy_bundle() -> EvidenceBundle:
    """A right-sized fleet and a manifest with sensible requests and limits, no usage metrics."""
    return EvidenceBundle(
        target=shop_target("Two app servers and a PostgreSQL primary."),
        instances=read_instances(FIXTURES / "healthy_inventory.yaml"),
        kubernetes=read_workloads(FIXTURES / "healthy_workloads.yaml"),
    )
