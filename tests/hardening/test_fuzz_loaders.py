"""Every evidence loader through load_evidence over damaged files: skipped or read, never a traceback;
--strict raises EvidenceError naming the file."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from perfpilot.evidence import load_evidence
from perfpilot.evidence.errors import EvidenceError
from perfpilot.target.spec import Target
from tests.hardening.mutations import damaged

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NAME = "evidence.dat"


def _sources(kind: str, path: str) -> dict[str, Any]:
    return {
        "metrics": {"metrics": [{"path": path, "format": "prometheus"}]},
        "metrics_json": {"metrics": [{"path": path, "format": "json"}]},
        "metrics_csv": {"metrics": [{"path": path, "format": "csv"}]},
        "workload": {"workload": [{"path": path}]},
        "workload_jsonl": {"workload": [{"path": path, "format": "jsonl"}]},
        "traces": {"traces": [path]},
        "load_tests": {"load_tests": [path]},
        "access_logs": {"access_logs": [path]},
        "containers": {"containers": [path]},
        "inventory": {"infrastructure": {"inventory": path}},
        "kubernetes": {"infrastructure": {"kubernetes": [path]}},
        "plans": {"plans": [path]},
    }[kind]


SEEDS = {
    "metrics": "evidence/metrics.prom",
    "metrics_json": "evidence/series-list.json",
    "metrics_csv": "evidence/series.csv",
    "workload": "workload/postgres_q.log",
    "workload_jsonl": "workload/pgss_pg12.json",
    "traces": "evidence/traces-collector.jsonl",
    "load_tests": "evidence/k6-summary-export.json",
    "access_logs": "evidence/access.log",
    "containers": "evidence/Dockerfile",
    "inventory": "evidence/inventory.yaml",
    "kubernetes": "evidence/k8s.yaml",
    "plans": "evidence/explain/plan-analyze.json",
}


def target_for(kind: str, path: Path) -> Target:
    target = Target.model_validate({"name": "fuzz", "evidence": _sources(kind, str(path))})
    target._root = path.parent
    return target


def assert_bounded(kind: str, data: bytes) -> None:
    """Non-strict: never raises, the file is listed once. Strict: returns or names the file."""
    with tempfile.TemporaryDirectory(prefix="hardening-fuzz-") as tmp:
        path = Path(tmp) / NAME
        path.write_bytes(data)
        target = target_for(kind, path)
        bundle = load_evidence(target, live=False)
        assert [r.source for r in bundle.read] == [NAME]
        try:
            load_evidence(target, strict=True, live=False)
        except EvidenceError as exc:
            assert exc.source == NAME and exc.message


@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_damaged_evidence_is_skipped_or_named(kind: str) -> None:
    seed = (FIXTURES / SEEDS[kind]).read_bytes()[:6000]

    @given(damaged(seed))
    def check(data: bytes) -> None:
        assert_bounded(kind, data)

    check()


def test_damaged_target_files_fail_with_target_error() -> None:
    from perfpilot.target import TargetError, load_target

    seed = (FIXTURES.parents[1] / "examples" / "recorded" / "target.yaml").read_bytes()

    @given(damaged(seed))
    def check(data: bytes) -> None:
        with tempfile.TemporaryDirectory(prefix="hardening-fuzz-") as tmp:
            path = Path(tmp) / "target.yaml"
            path.write_bytes(data)
            try:
                load_target(path, check_files=False)
            except TargetError as exc:
                assert str(exc).startswith(f"{path}: invalid target") and exc.problems

    check()
