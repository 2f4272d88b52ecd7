"""Inventory instances completed with the usage node_exporter measured on the node of the same name.

An instance (count 1) matches a node when its name is the node's nodename or the host of its
`instance` label. Measured figures only fill what the inventory leaves out: the window's CPU
utilisation and memory in use fill cpu_util_avg and mem_util_avg. A short window can show that a node
is busy, not that it is idle all month, so they fill the p95 fields only when at or above the target
utilisation: measured usage can stop a downsizing or raise a constrained finding, never shrink a fleet.
"""

from __future__ import annotations

from perfpilot.evidence.models import Instance
from perfpilot.evidence.window_models import NodeUsage


def matching_node(instance: Instance, nodes: list[NodeUsage]) -> NodeUsage | None:
    """The node an inventory instance names, if exactly one does."""
    if instance.count != 1:
        return None
    found = [n for n in nodes if instance.name in n.names]
    return found[0] if len(found) == 1 else None


def _filled(instance: Instance, node: NodeUsage, target_util: float) -> dict[str, float]:
    update: dict[str, float] = {}
    for resource, value in (("cpu", node.cpu_utilisation), ("mem", node.memory_used_max)):
        if value is None:
            continue
        if getattr(instance, f"{resource}_util_avg") is None:
            update[f"{resource}_util_avg"] = round(value, 4)
        if getattr(instance, f"{resource}_util_p95") is None and value >= target_util:
            update[f"{resource}_util_p95"] = round(value, 4)
    return update


def with_measured_usage(
    instances: list[Instance], nodes: list[NodeUsage], target_util: float
) -> tuple[list[Instance], list[str]]:
    """The inventory with gaps filled from matching nodes, and a note per instance that was filled."""
    completed, notes = [], []
    for instance in instances:
        node = matching_node(instance, nodes)
        update = _filled(instance, node, target_util) if node is not None else {}
        if node is not None and update:
            figures = ", ".join(f"{k} {v:.0%}" for k, v in sorted(update.items()))
            notes.append(
                f"{instance.name}: {figures} measured by node_exporter on {node.node} over "
                f"{node.window_s:.0f} s ({node.scrapes} scrapes); the inventory gave none"
            )
        completed.append(instance.model_copy(update=update) if update else instance)
    return completed, notes
