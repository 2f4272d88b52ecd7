"""`perfpilot run` end to end on the bundled recorded example, offline, through the real graph and skills."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "recorded"


def run(target: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.app", "run", str(target), "--out", str(out), *extra],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("recorded")
    result = run(EXAMPLE / "target.yaml", out, "--headless")
    assert result.returncode == 4, result.stderr[-2000:]  # projected: recorded evidence has no after-state
    assert (out / "report.md").exists() and (out / "report.sarif").exists()
    data: dict[str, Any] = json.loads((out / "report.json").read_text())
    data["_md"] = (out / "report.md").read_text()
    data["_sarif"] = json.loads((out / "report.sarif").read_text())
    return data


def test_report_has_the_public_fields(report: dict[str, Any]) -> None:
    assert report["status"] == "projected"
    assert report["tier"] == "T2"
    assert report["decision_path"] == ["profiling", "analysis", "optimization", "validation", "finish"]
    assert report["decision_path"][:4] == ["profiling", "analysis", "optimization", "validation"]
    assert {s["name"] for s in report["steps"]} == {"profiling", "analysis", "optimization", "validation"}
    for step in report["steps"]:
        assert 0 < step["tokens_used"] <= step["token_budget"]
        assert step["status"] in ("ok", "budget_exhausted")
    for finding in report["findings"]:
        assert {"id", "skill", "layer", "impact"} <= finding.keys()


def test_names_the_missing_index_with_ddl_and_rollback(report: dict[str, Any]) -> None:
    findings = report["root_cause"]["findings"]
    index = next(
        f for f in findings if f["kind"] == "missing_index" and f["subject"].startswith("orders(customer_id")
    )
    assert index["remediation"]["content"].startswith("CREATE INDEX CONCURRENTLY IF NOT EXISTS")
    assert index["remediation"]["rollback"].startswith("DROP INDEX CONCURRENTLY IF EXISTS")
    assert index["priority"] == "high" and index["evidence"]


def test_names_the_n_plus_one_with_its_rewrite(report: dict[str, Any]) -> None:
    n1 = [f for f in report["root_cause"]["findings"] if f["kind"] == "n_plus_one"]
    rewrites = [f["remediation"]["content"] for f in n1 if f["remediation"]]
    assert len(rewrites) == len(n1)
    assert sorted(r.split("\n\n")[1].split(" ")[:3] for r in rewrites) == [
        ["SELECT", "orders.id,", "order_items.*"],  # the items per order (traces), joined
    ]
    assert any("JOIN order_items ON order_items.order_id = orders.id" in r for r in rewrites)


def test_a_burst_on_a_shared_backend_is_only_a_hint(report: dict[str, Any]) -> None:
    """postgresql.log names backends (%p), not requests: five per-customer order queries in a row on one
    pooled backend may be five requests, so they are a low-priority hint with nothing to apply."""
    hints = [f for f in report["root_cause"]["findings"] if f["kind"] == "n_plus_one_hint"]
    assert [(h["subject"], h["priority"], h["remediation"]) for h in hints] == [
        ("sessions: shape 195d6f349e176a7d", "low", None),
    ]


def test_database_is_the_top_bottleneck(report: dict[str, Any]) -> None:
    inventory = report["inventory"]
    top = inventory["bottlenecks"][0]
    assert top["layer"] == "database" and top["id"] in inventory["top_targets"]
    assert inventory["slo_breaches"]


def test_every_planned_change_has_a_rollback(report: dict[str, Any]) -> None:
    plan = report["plan"]
    assert plan["changes"] and set(plan["deployment_sequence"]) == {c["id"] for c in plan["changes"]}
    assert all(c["rollback"].strip() for c in plan["changes"])


def test_markdown_and_sarif(report: dict[str, Any]) -> None:
    assert "## Decision path" in report["_md"] and "```mermaid" in report["_md"]
    sarif = report["_sarif"]
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(report["findings"])
    assert len(report["findings"]) >= len(report["root_cause"]["findings"])


def test_finding_ids_are_stable_across_runs(report: dict[str, Any], tmp_path: Path) -> None:
    again = run(EXAMPLE / "target.yaml", tmp_path, "--headless", "--format", "json")
    ids = [f["id"] for f in json.loads((tmp_path / "report.json").read_text())["findings"]]
    assert again.returncode == 4
    assert ids == [f["id"] for f in report["findings"]]


def _broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "example"
    shutil.copytree(EXAMPLE, copy)
    metrics = copy / "metrics.prom"
    lines = metrics.read_text().splitlines()
    lines.insert(5, 'http_requests_total{route="/x" 12')
    metrics.write_text("\n".join(lines) + "\n")
    return copy / "target.yaml"


def test_malformed_evidence_is_skipped_with_file_and_line(tmp_path: Path) -> None:
    target = _broken_copy(tmp_path)
    result = run(target, tmp_path / "out", "--headless")
    assert result.returncode == 4, result.stderr[-2000:]  # projected: recorded evidence has no after-state
    assert "metrics.prom" in result.stderr and "evidence.skipped" in result.stderr
    skipped = json.loads((tmp_path / "out" / "report.json").read_text())["skipped_evidence"]
    assert any(s["source"].endswith("metrics.prom") and s["line"] == 6 for s in skipped)


def test_strict_turns_malformed_evidence_into_exit_2(tmp_path: Path) -> None:
    result = run(_broken_copy(tmp_path), tmp_path / "out", "--headless", "--strict")
    assert result.returncode == 2
    assert "metrics.prom:6" in result.stderr and "Traceback" not in result.stderr
