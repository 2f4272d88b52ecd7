"""Bad targets exit 2 with a message naming the file and field, and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

GOOD_METRICS = """# TYPE http_requests_total counter
http_requests_total{route="/a",status="200"} 10
"""


def perfpilot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def write_target(tmp_path: Path, body: str) -> Path:
    (tmp_path / "metrics.prom").write_text(GOOD_METRICS)
    path = tmp_path / "target.yaml"
    path.write_text(body)
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "name: t\nslos:\n  p95_ms: fast\nevidence:\n  metrics:\n    - path: metrics.prom\n",
            ["line 3", "slos.p95_ms"],
        ),
        ("name: t\ncolour: blue\nevidence:\n  metrics:\n    - path: metrics.prom\n", ["line 2", "colour"]),
        (
            "name: t\nevidence:\n  metrics:\n    - path: missing.prom\n",
            ["line 4", "evidence.metrics.0.path", "file not found"],
        ),
        ("name: t\nevidence: {}\n", ["evidence", "at least one source"]),
        ("name: [unclosed\n", ["not valid YAML"]),
    ],
)
def test_bad_target_exits_2_naming_file_and_field(tmp_path: Path, body: str, expected: list[str]) -> None:
    target = write_target(tmp_path, body)
    for command in (["validate", str(target)], ["run", str(target), "--out", str(tmp_path / "out")]):
        result = perfpilot(*command)
        assert result.returncode == 2, result.stderr
        assert str(target) in result.stderr
        for text in expected:
            assert text in result.stderr
        assert "Traceback" not in result.stderr


def test_valid_target_validates(tmp_path: Path) -> None:
    target = write_target(tmp_path, "name: t\nevidence:\n  metrics:\n    - path: metrics.prom\n")
    result = perfpilot("validate", str(target))
    assert result.returncode == 0 and "valid target 't'" in result.stdout


def test_schema_target_prints_json_schema() -> None:
    import json

    result = perfpilot("schema", "target")
    schema = json.loads(result.stdout)
    assert result.returncode == 0 and "evidence" in schema["properties"]


def test_unknown_schema_is_a_usage_error() -> None:
    result = perfpilot("schema", "nope")
    assert result.returncode == 2 and "no schema named" in result.stderr


def test_validate_reads_evidence_files_and_names_an_unknown_inventory_field(tmp_path: Path) -> None:
    (tmp_path / "inventory.yaml").write_text(
        "- name: app\n  instance_type: m5.large\n  vcpus: 2\n  memory_gb: 8\n  hourly_usd: 0.096\n"
        "  cpu_peak: 0.5\n"
    )
    target = write_target(tmp_path, "name: t\nevidence:\n  infrastructure:\n    inventory: inventory.yaml\n")
    result = perfpilot("validate", str(target))
    assert result.returncode == 2, result.stdout
    assert "inventory.yaml:6: instances[0]: unknown field 'cpu_peak'" in result.stderr
    assert "Traceback" not in result.stderr and "valid target" not in result.stdout
