"""Profiling artifact: the bottleneck inventory the profiler skill computed (or an empty one)."""

from __future__ import annotations

from perfpilot.agents.session import StepSession
from perfpilot.artifacts import BottleneckInventory


def assemble_profiling(session: StepSession) -> BottleneckInventory:
    for output in reversed(session.outputs("performance-profiler")):
        inventory = getattr(output, "inventory", None)
        if isinstance(inventory, BottleneckInventory):
            return inventory
    return BottleneckInventory(notes=["The profiler did not run: no inventory could be built."])
