"""Profiling artifact: the bottleneck inventory the profiler skill computed (or an empty one)."""

from __future__ import annotations

from perfpilot.agents.session import StepSession
from perfpilot.artifacts import BottleneckInventory
from perfpilot.artifacts.findings import unique_findings


def assemble_profiling(session: StepSession) -> BottleneckInventory:
    """The profiler's inventory, with the findings of the step's other skills (e.g. cost) attached."""
    inventory = BottleneckInventory(notes=["The profiler did not run: no inventory could be built."])
    for output in reversed(session.outputs("performance-profiler")):
        candidate = getattr(output, "inventory", None)
        if isinstance(candidate, BottleneckInventory):
            inventory = candidate
            break
    found = unique_findings([f for output in session.outputs() for f in output.findings])
    return inventory.model_copy(update={"findings": found}) if found else inventory
