"""The apply node asks a person first when the run says so (a chat): a LangGraph interrupt, answered in the
conversation or later from the checkpoint; nothing is applied unless the answer is 'apply'."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from perfpilot.artifacts import Change, ImplementationPlan, RootCauseReport
from perfpilot.chat.session import ChatSession
from perfpilot.graphs.checkpoints import open_checkpointer
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.skills.registry import default_registry
from tests.graphs.scripted import ScriptedPlanner
from tests.graphs.test_orchestrator import _evidence, _finding, _inventory, _measured

INDEX = Change(
    id="chg-1", finding_id="f-1", group="database", kind="ddl", title="Create index ix_orders_customer",
    content="CREATE INDEX ix_orders_customer ON orders (customer_id);",
    rollback="DROP INDEX ix_orders_customer;", effort_days=0.1, auto_applicable=True,
)  # fmt: skip
ARTIFACTS = {
    "profiling": _inventory(2),
    "analysis": RootCauseReport(findings=[_finding("quick_fix")]),
    "optimization": ImplementationPlan(changes=[INDEX], deployment_sequence=["chg-1"]),
    "validation": _measured(3, 3),
}


class Applier:
    def __init__(self) -> None:
        self.plans: list[ImplementationPlan] = []

    def __call__(self, plan: ImplementationPlan) -> list[str]:
        self.plans.append(plan)
        return [f"{c.id} (sandbox copy)" for c in plan.changes]


def _options(tmp_path: Path, applier: Applier, **fields: Any) -> RunOptions:
    return RunOptions(
        workdir=tmp_path / "work", planner=ScriptedPlanner(ARTIFACTS), registry=default_registry(),
        apply="sandbox", applier=applier, confirm_apply=True, run_id="thread-1", **fields,
    )  # fmt: skip


@pytest.mark.parametrize(("reply", "applied"), [("apply", ["chg-1 (sandbox copy)"]), ("skip", [])])
def test_the_apply_waits_for_a_person(tmp_path: Path, reply: str, applied: list[str]) -> None:
    asked: list[dict[str, Any]] = []
    applier = Applier()

    def ask(question: dict[str, Any]) -> str:
        asked.append(question)
        return reply

    report = run_workflow(_evidence(), _options(tmp_path, applier, ask=ask))
    (question,) = asked
    assert question["kind"] == "apply" and question["options"] == ["apply", "skip"]
    assert question["question"] == "Apply 1 auto-applicable change(s) to the sandbox copy of the database?"
    assert question["reason"] == "chg-1: Create index ix_orders_customer"
    assert report.applied == applied and len(applier.plans) == len(applied)
    assert report.decision_path == ["profiling", "analysis", "optimization", "apply", "validation", "finish"]
    declined = [d for d in report.decisions if d.startswith("apply: a person declined")]
    assert declined == ([] if applied else ["apply: a person declined (sandbox copy of the database)"])


def test_without_confirmation_the_apply_does_not_ask(tmp_path: Path) -> None:
    applier = Applier()
    options = _options(tmp_path, applier, ask=lambda q: pytest.fail("asked"))
    options.confirm_apply = False
    assert run_workflow(_evidence(), options).applied == ["chg-1 (sandbox copy)"]


def test_a_pending_approval_is_answered_from_the_checkpoint_in_another_session(tmp_path: Path) -> None:
    applier = Applier()
    with open_checkpointer(tmp_path) as saver:
        first = run_workflow(_evidence(), _options(tmp_path, applier, checkpointer=saver))
        assert first.decision_path[-1] == "apply" and not applier.plans  # waiting, nothing applied
        assert first.status == "escalated" and first.escalation == (
            "waiting for approval: Apply 1 auto-applicable change(s) to the sandbox copy of the database? "
            "(chg-1: Create index ix_orders_customer)"
        )
        said: list[str] = []
        inputs = iter(["maybe", "apply"])
        session = ChatSession.__new__(ChatSession)  # only its interrupt handling: read and write scripted
        session.read, session.write = (lambda prompt: next(inputs)), said.append
        resumed = _options(tmp_path, applier, checkpointer=saver, resume=True, ask=session._interrupted)
        later = run_workflow(_evidence(), resumed)
    assert later.applied == ["chg-1 (sandbox copy)"] and len(applier.plans) == 1
    assert said[0].startswith("\nApply 1 auto-applicable change(s)") and "changes: chg-1" in said[0]
    assert said[1] == "Please answer apply or skip."
