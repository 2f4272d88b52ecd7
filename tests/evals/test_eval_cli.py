"""`perfpilot eval new`, `eval record`, `eval PATH --baseline` and `schema incident`, in-process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import structlog
import yaml
from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.evals.incident import Incident
from perfpilot.evals.loading import INCIDENTS_DIR, IncidentError, load_incident
from perfpilot.evals.results import read_results

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    """The CLI binds structlog to the runner's stderr, which closes after each invoke: undo that."""
    yield
    structlog.reset_defaults()


def test_eval_new_scaffolds_a_commented_incident(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "new", "checkout-n1", "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "checkout-n1" / "incident.yaml").read_text()
    assert text.startswith("# An evaluation incident")
    data = yaml.safe_load(text)
    incident = Incident.model_validate(data)
    assert incident.id == "checkout-n1"
    assert incident.expectations.decision_path == ["profiling", "finish"]
    assert "TODO" in incident.title
    try:
        load_incident(tmp_path / "checkout-n1")
    except IncidentError as exc:  # the evidence is not there yet: named, not a crash
        assert any("metrics.prom" in p for p in exc.problems)
    again = runner.invoke(app, ["eval", "new", "checkout-n1", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["eval", "new", "Bad_Id", "--dir", str(tmp_path)])
    assert bad.exit_code == 2


def test_eval_record_captures_a_target_as_a_reviewable_incident(tmp_path: Path) -> None:
    target = ROOT / "examples" / "recorded" / "target.yaml"
    result = runner.invoke(
        app, ["eval", "record", str(target), "--id", "checkout-recorded", "--dir", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    folder = tmp_path / "checkout-recorded"
    text = (folder / "incident.yaml").read_text()
    assert "PRE-FILLED FROM PERFPILOT'S OWN RUN" in text.splitlines()[1]
    loaded = load_incident(folder)
    assert loaded.incident.target["evidence"]["workload"][0]["path"] == "postgresql.log"
    assert (folder / "postgresql.log").read_bytes() == (target.parent / "postgresql.log").read_bytes()
    expectations = loaded.incident.expectations
    assert expectations.decision_path and expectations.decision_path[0] == "profiling"
    assert any(f.kind == "missing_index" for f in expectations.findings)
    out = tmp_path / "out"
    scored = runner.invoke(app, ["eval", str(folder), "--out", str(out)])
    assert scored.exit_code == 0, scored.output
    (only,) = read_results(out / "results.jsonl")
    assert only.score == 1.0 and only.misses == []


def test_eval_with_baseline_exits_1_naming_the_regression(tmp_path: Path) -> None:
    folder = Path(
        shutil.copytree(INCIDENTS_DIR / "single-node-db-saturated", tmp_path / "single-node-db-saturated")
    )
    out = tmp_path / "out"
    first = runner.invoke(app, ["eval", str(folder), "--out", str(out), "--json"])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output.splitlines()[0])["id"] == "single-node-db-saturated"
    (out / "summary.md").read_text().index("| single-node-db-saturated | escalated |")
    baseline = tmp_path / "baseline.jsonl"
    shutil.copy(out / "results.jsonl", baseline)
    same = runner.invoke(app, ["eval", str(folder), "--out", str(out), "--baseline", str(baseline)])
    assert same.exit_code == 0 and "no regression" in same.output
    inventory = folder / "inventory.yaml"
    inventory.write_text(inventory.read_text().replace("cpu_util_p95: 0.97", "cpu_util_p95: 0.5"))
    worse = runner.invoke(app, ["eval", str(folder), "--out", str(out), "--baseline", str(baseline)])
    assert worse.exit_code == 1
    missing = "missing finding cost-optimization-analyzer/resource_constrained helpdesk-db"
    assert f"single-node-db-saturated: {missing}" in worse.output


def test_schema_incident_prints_the_incident_json_schema() -> None:
    result = runner.invoke(app, ["schema", "incident"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert {"id", "modelled_on", "target", "expectations"} <= set(schema["properties"])
