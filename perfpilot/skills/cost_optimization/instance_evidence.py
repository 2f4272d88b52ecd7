"""Evidence references for inventory instances: the figures each finding cites."""

from __future__ import annotations

from perfpilot.artifacts import EvidenceRef
from perfpilot.evidence.inventory import UTILISATION_FIELDS
from perfpilot.evidence.models import Instance


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _peak(value: float | None) -> str:
    return "" if value is None else f" max {value:.0%}"


def instance_ref(instance: Instance, source: str) -> EvidenceRef:
    """Cite the inventory entry: type, count, price and utilisation."""
    values: dict[str, float] = {
        "count": float(instance.count),
        "vcpu": instance.vcpu,
        "memory_gib": instance.memory_gib,
        "hourly_usd": instance.hourly_usd,
    }
    for name in UTILISATION_FIELDS:
        value = getattr(instance, name)
        if value is not None:
            values[name] = value
    excerpt = (
        f"{instance.name}: {instance.instance_type} x{instance.count} at ${instance.hourly_usd}/h "
        f"({instance.pricing}); cpu avg {_pct(instance.cpu_util_avg)} p95 {_pct(instance.cpu_util_p95)}"
        f"{_peak(instance.cpu_util_max)}, memory avg {_pct(instance.mem_util_avg)} "
        f"p95 {_pct(instance.mem_util_p95)}{_peak(instance.mem_util_max)}"
    )
    return EvidenceRef(source=source, excerpt=excerpt, values=values)
