"""Every node of the graph: a run that dies right before it (its checkpoint written, the process state lost)
resumes from the SQLite checkpoint to the report of an uninterrupted run, with the apply done once.

The real-process kill -9 tests are tests/run/test_kill_and_resume.py (offline) and test_live_resume.py
(live, after apply); this one reaches the nodes those cannot (apply with a recorded applier, redesign)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from perfpilot.artifacts import Change, ImplementationPlan, RootCauseReport
from perfpilot.graphs.checkpoints import open_checkpointer
from perfpilot.graphs.orchestrator import build_graph
from perfpilot.run import graph_run
from perfpilot.run.crash_hook import HOLD_ENV
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.skills.registry import default_registry
from tests.graphs.scripted import ScriptedPlanner
from tests.graphs.test_orchestrator import _escalating, _evidence, _finding, _inventory, _measured

INDEX = Change(
    id="chg-1", finding_id="f-1", group="database", kind="ddl", title="Create index ix_a",
    content="CREATE INDEX ix_a ON t (a);", rollback="DROP INDEX ix_a;", effort_days=0.1, auto_applicable=True,
)  # fmt: skip


def _through(validation: BaseModel) -> dict[str, BaseModel]:
    return {
        "profiling": _inventory(2),
        "analysis": RootCauseReport(findings=[_finding("quick_fix")]),
        "optimization": ImplementationPlan(changes=[INDEX], deployment_sequence=["chg-1"]),
        "validation": validation,
    }


SCENARIOS: dict[str, dict[str, BaseModel]] = {
    "applied": _through(_measured(3, 3)),  # profiling, analysis, optimization, apply, validation, finish
    "redesign": _through(_measured(0, 3)),  # ... validation, redesign
    "escalated": _escalating(),  # profiling, analysis, escalation (answered 'proceed'), optimization, ...
}
NODE_SCENARIO = {
    "profiling": "applied", "analysis": "applied", "optimization": "applied", "apply": "applied",
    "validation": "applied", "finish": "applied", "redesign": "redesign", "escalation": "escalated",
}  # fmt: skip


class Died(BaseException):
    """The process ending at the boundary (not an Exception: nothing in the run catches it)."""


class Applier:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, plan: ImplementationPlan) -> list[str]:
        self.calls += 1
        return [f"{c.id} (sandbox copy)" for c in plan.changes]


def _run(folder: Path, scenario: str, applier: Applier, **fields: Any) -> Any:
    with open_checkpointer(folder) as saver:
        options = RunOptions(
            workdir=folder / "work", planner=ScriptedPlanner(SCENARIOS[scenario]),
            registry=default_registry(), apply="sandbox", applier=applier, run_id="thread-1",
            checkpointer=saver, ask=lambda question: "proceed", **fields,
        )  # fmt: skip
        return run_workflow(_evidence(), options)


def test_the_scenarios_cover_every_node_of_the_graph() -> None:
    assert set(NODE_SCENARIO) == set(build_graph().nodes) - {"__start__"}


@pytest.mark.parametrize("node", sorted(NODE_SCENARIO))
def test_dying_before_a_node_then_resuming_gives_the_uninterrupted_report(
    node: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = NODE_SCENARIO[node]
    whole_applier = Applier()
    whole = _run(tmp_path / "whole", scenario, whole_applier)
    assert node in whole.decision_path

    def die(next_nodes: tuple[str, ...]) -> None:
        if node in next_nodes:
            raise Died(node)

    applier = Applier()
    with monkeypatch.context() as patched:
        patched.setenv(HOLD_ENV, node)
        patched.setattr(graph_run, "holding_at", die)
        with pytest.raises(Died):
            _run(tmp_path / "died", scenario, applier)
    resumed = _run(tmp_path / "died", scenario, applier, resume=True)

    assert resumed.model_dump() == whole.model_dump()
    assert applier.calls == whole_applier.calls == (1 if "apply" in whole.decision_path else 0)
