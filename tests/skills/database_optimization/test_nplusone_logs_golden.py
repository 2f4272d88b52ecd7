"""Golden fixtures: N+1 from query logs only with evidence that the calls belong to one request."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from perfpilot.skills.database_optimization.findings.nplusone import nplusone_finding
from perfpilot.skills.database_optimization.nplusone.streams import detect_in_streams
from perfpilot.workload.digest import digest_file

CASES = sorted(
    p for p in (Path(__file__).resolve().parents[2] / "fixtures" / "database_optimization" / "nplusone_logs")
    .iterdir() if p.suffix in {".log", ".jsonl"}
)


def observed(log: Path) -> list[dict[str, Any]]:
    digest = digest_file(log, "postgres_log" if log.suffix == ".log" else "jsonl")
    digest = digest.model_copy(update={"source": log.name})
    found = []
    for n in detect_in_streams(digest, "postgres"):
        finding = nplusone_finding(n, digest.total_time_s)
        found.append({
            "kind": finding.kind, "priority": finding.priority, "grouped_by": n.grouped_by,
            "fingerprint": n.fingerprint, "requests": n.requests, "calls_median": n.calls_median,
            "samples": n.samples, "line": n.line,
        })
    return found


@pytest.mark.parametrize("log", CASES, ids=[c.stem for c in CASES])
def test_nplusone_log_case(log: Path) -> None:
    found = observed(log)
    golden = log.with_suffix(".json")
    if os.environ.get("PERFPILOT_WRITE_GOLDEN") == "1":
        golden.write_text(json.dumps(found, indent=2) + "\n")
    assert found == json.loads(golden.read_text())
