"""langgraph.json names a factory whose graph runs with a default context, as `perfpilot run` would."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from perfpilot.evidence.load import load_evidence
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.run.report import build_report
from perfpilot.target import load_target
from tests.conftest import ROOT


def test_the_configured_graph_runs_the_target_to_the_report_of_a_cli_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = json.loads((ROOT / "langgraph.json").read_text(encoding="utf-8"))
    file, _, factory = config["graphs"]["perfpilot"].partition(":")
    spec = importlib.util.spec_from_file_location("langgraph_app_under_test", ROOT / file)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    target = ROOT / config["env"]["PERFPILOT_TARGET"]
    monkeypatch.setenv("PERFPILOT_TARGET", str(target))
    monkeypatch.setenv("PERFPILOT_WORKDIR", str(tmp_path / "work"))
    graph = getattr(module, factory)()
    state = graph.invoke({"run_id": "t", "decision_path": [], "steps": [], "decisions": []})

    evidence = load_evidence(load_target(target))
    expected = run_workflow(evidence, RunOptions(workdir=tmp_path / "work", run_id="t"))
    assert build_report(state, evidence, "t") == expected
    assert expected.status == "projected"
