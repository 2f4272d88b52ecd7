"""Kubernetes manifest loader and resource quantities."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.k8s_quantities import cpu_cores, memory_mib
from perfpilot.evidence.kubernetes import apply_hpas, load_kubernetes, parse_manifests

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


@pytest.mark.parametrize(
    ("quantity", "cores"),
    [("250m", 0.25), ("2", 2.0), ("1.5", 1.5), (0.05, 0.05), (3, 3.0), ("1e3", 1000.0), ("100u", 1e-4)],
)
def test_cpu_cores(quantity: str | float, cores: float) -> None:
    assert cpu_cores(quantity) == pytest.approx(cores)


@pytest.mark.parametrize(
    ("quantity", "mib"),
    [("512Mi", 512), ("1Gi", 1024), ("1G", 1e9 / 2**20), ("500M", 500e6 / 2**20), ("67108864", 64),
     (1048576, 1), ("128974848", 123), ("129e6", 129e6 / 2**20), ("1Ki", 1 / 1024)],
)
def test_memory_mib(quantity: str | int, mib: float) -> None:
    assert memory_mib(quantity) == pytest.approx(mib)


@pytest.mark.parametrize("bad", ["quarter", "1.5.2", "12 Mi", "5mb", "", "1e3m"])
def test_bad_quantities(bad: str) -> None:
    with pytest.raises(ValueError):
        memory_mib(bad)


def test_workloads_with_resources_and_hpa() -> None:
    workloads = {w.name: w for w in load_kubernetes(FIXTURES / "k8s.yaml", source="k8s.yaml")}
    assert set(workloads) == {"checkout-api", "redis", "node-exporter"}
    api = workloads["checkout-api"]
    assert (api.kind, api.namespace, api.replicas) == ("Deployment", "shop", 4)
    assert (api.hpa_min, api.hpa_max) == (3, 12)
    assert (api.source, api.line) == ("k8s.yaml", 13)  # the document's first line, after '---'

    main, shipper = api.containers
    assert (main.cpu_request, main.cpu_limit, main.memory_request_mib, main.memory_limit_mib) == (
        0.25, 2.0, 512.0, 1024.0
    )
    assert shipper.cpu_request == 0.05 and shipper.cpu_limit is None
    assert shipper.memory_request_mib == 64.0
    assert shipper.memory_limit_mib == pytest.approx(476.837, rel=1e-4)
    redis = workloads["redis"]
    assert redis.kind == "StatefulSet" and redis.hpa_max is None
    assert redis.containers[0].cpu_request == 1.5
    daemon = workloads["node-exporter"]
    assert daemon.namespace == "default" and daemon.containers[0].cpu_request is None


def test_hpa_in_another_file_applies_across_files() -> None:
    workloads, hpas = parse_manifests(FIXTURES / "k8s.yaml")
    more_workloads, more_hpas = parse_manifests(FIXTURES / "k8s-hpa-only.yaml")
    applied = {w.name: w for w in apply_hpas(workloads + more_workloads, hpas + more_hpas)}
    assert (applied["redis"].hpa_min, applied["redis"].hpa_max) == (1, 3)
    assert applied["checkout-api"].hpa_max == 12


def test_bad_cpu_names_its_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_kubernetes(FIXTURES / "k8s-bad.yaml", source="deploy.yaml")
    assert str(caught.value) == "deploy.yaml:20: bad cpu request 'quarter'"


def test_yaml_syntax_error_names_its_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_kubernetes(FIXTURES / "k8s-bad-syntax.yaml")
    assert caught.value.line is not None and 10 <= caught.value.line <= 11
    assert "not valid YAML" in caught.value.message
