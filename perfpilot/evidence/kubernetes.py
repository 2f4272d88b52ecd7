"""Kubernetes manifests (multi-document YAML) -> K8sWorkload records, with HPA bounds applied.

Deployments, StatefulSets and DaemonSets become workloads (a `kind: List` is unpacked); a
HorizontalPodAutoscaler's min/max replicas go onto the workload its scaleTargetRef names.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from perfpilot.evidence.errors import EvidenceError, read_text
from perfpilot.evidence.k8s_quantities import cpu_cores, memory_mib
from perfpilot.evidence.models import K8sContainer, K8sWorkload
from perfpilot.evidence.yaml_lines import line_of, yaml_documents

WORKLOAD_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})


class HpaBounds(BaseModel):
    """What one HorizontalPodAutoscaler says about its target."""

    kind: str
    name: str
    namespace: str
    min_replicas: int
    max_replicas: int


def _mapping(data: Any, field: str, source: str, line: int | None) -> dict[str, Any]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise EvidenceError(source, line_of(data) or line, f"{field} must be a mapping")
    return data


def _resource(
    resources: dict[str, Any], section: str, key: str, source: str, line: int | None
) -> tuple[Any, int | None]:
    block = _mapping(resources.get(section), f"resources.{section}", source, line)
    return block.get(key), line_of(block, key) or line


def _container(raw: Any, source: str, line: int | None) -> K8sContainer:
    raw = _mapping(raw, "container", source, line)
    here = line_of(raw) or line
    resources = _mapping(raw.get("resources"), "resources", source, here)
    values: dict[str, float | None] = {}
    for section, singular in (("requests", "request"), ("limits", "limit")):
        for key, convert in (("cpu", cpu_cores), ("memory", memory_mib)):
            value, at = _resource(resources, section, key, source, here)
            field = f"{key}_{singular}" if key == "cpu" else f"memory_{singular}_mib"
            try:
                values[field] = None if value is None else convert(value)
            except (ValueError, TypeError):
                raise EvidenceError(source, at, f"bad {key} {section[:-1]} {value!r}") from None
    return K8sContainer(name=str(raw.get("name", "")), image=str(raw.get("image", "")), **values)


def _workload(doc: dict[str, Any], source: str, line: int) -> K8sWorkload:
    meta = _mapping(doc.get("metadata"), "metadata", source, line)
    spec = _mapping(doc.get("spec"), "spec", source, line)
    template = _mapping(spec.get("template"), "spec.template", source, line)
    pod = _mapping(template.get("spec"), "spec.template.spec", source, line)
    containers = pod.get("containers") or []
    if not isinstance(containers, list):
        raise EvidenceError(source, line_of(pod, "containers") or line, "containers must be a list")
    replicas = spec.get("replicas", 1)
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise EvidenceError(source, line_of(spec, "replicas") or line, f"bad replicas {replicas!r}")
    return K8sWorkload(
        kind=str(doc["kind"]),
        name=str(meta.get("name", "")),
        namespace=str(meta.get("namespace") or "default"),
        replicas=replicas,
        containers=[_container(c, source, line) for c in containers],
        source=source,
        line=line,
    )


def _hpa(doc: dict[str, Any], source: str, line: int) -> HpaBounds:
    meta = _mapping(doc.get("metadata"), "metadata", source, line)
    spec = _mapping(doc.get("spec"), "spec", source, line)
    ref = _mapping(spec.get("scaleTargetRef"), "spec.scaleTargetRef", source, line)
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    if not isinstance(low, int) or not isinstance(high, int) or not 0 <= low <= high:
        raise EvidenceError(source, line_of(spec) or line, f"bad HPA replicas min={low!r} max={high!r}")
    return HpaBounds(
        kind=str(ref.get("kind", "")), name=str(ref.get("name", "")),
        namespace=str(meta.get("namespace") or "default"), min_replicas=low, max_replicas=high,
    )


def parse_manifests(path: Path, *, source: str | None = None) -> tuple[list[K8sWorkload], list[HpaBounds]]:
    """Workloads and HPA bounds of one manifest file, unapplied."""
    label = source or str(path)
    workloads: list[K8sWorkload] = []
    hpas: list[HpaBounds] = []
    pending = [(doc, line) for doc, line in yaml_documents(read_text(path, label), label)]
    while pending:
        doc, line = pending.pop(0)
        if doc is None:
            continue
        if not isinstance(doc, dict) or "kind" not in doc:
            raise EvidenceError(label, line, "a manifest document must be a mapping with 'kind'")
        if doc["kind"] == "List" and isinstance(doc.get("items"), list):
            pending[:0] = [(item, line_of(item) or line) for item in doc["items"]]
        elif doc["kind"] in WORKLOAD_KINDS:
            workloads.append(_workload(doc, label, line))
        elif doc["kind"] == "HorizontalPodAutoscaler":
            hpas.append(_hpa(doc, label, line))
    return workloads, hpas


def apply_hpas(workloads: Iterable[K8sWorkload], hpas: Iterable[HpaBounds]) -> list[K8sWorkload]:
    """Set hpa_min/hpa_max on each workload an HPA targets (by kind, name and namespace)."""
    bounds = {(h.kind, h.name, h.namespace): h for h in hpas}
    result = []
    for workload in workloads:
        hpa = bounds.get((workload.kind, workload.name, workload.namespace))
        if hpa is not None:
            workload = workload.model_copy(update={"hpa_min": hpa.min_replicas, "hpa_max": hpa.max_replicas})
        result.append(workload)
    return result


def load_kubernetes(path: Path, *, source: str | None = None) -> list[K8sWorkload]:
    """Load one manifest file; HPAs in the same file are applied."""
    workloads, hpas = parse_manifests(path, source=source)
    return apply_hpas(workloads, hpas)
