"""`perfpilot run` on real profiler output (py-spy collapsed stacks, a Go pprof file) reports findings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parents[1] / "fixtures" / "profiles" / "target.yaml"


def test_recorded_py_spy_and_pprof_profiles_become_findings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.app", "run", str(TARGET), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 4, result.stderr[-2000:]  # projected: nothing was re-measured
    report = json.loads((tmp_path / "report.json").read_text())
    found = {(f["kind"], f["subject"]) for f in report["root_cause"]["findings"]}
    assert ("regex_compile_in_loop", "match_skus (py_busy.py:18)") in found
    assert ("regex_compile_in_loop", "main.matchSkus (./main.go:42)") in found
    assert ("serialization_hot", "main.encodeOrders (./main.go:32)") in found
    assert ("hot_path", "main.checksum (./main.go:52)") in found
    titles = [b["title"] for b in report["inventory"]["bottlenecks"]]
    assert "Hot path match_skus (py_busy.py:18): 63% of profiled CPU" in titles
    markdown = (tmp_path / "report.md").read_text()
    assert "match_skus: compiling regular expressions takes 50% of profiled CPU" in markdown
