"""Every evidence loader (each format of each kind) and the target loader over damaged files: skipped or
read, never a traceback; --strict raises EvidenceError naming the file. A few hundred cases per loader in
the `ci` profile (fixed seed), thousands with PERFPILOT_FUZZ_PROFILE=long."""

from __future__ import annotations

import gzip
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from perfpilot.evidence import load_evidence
from perfpilot.evidence.errors import EvidenceError
from perfpilot.target.spec import Target
from tests.hardening.harness import run_case
from tests.hardening.mutations import damaged

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
NAME = "evidence.dat"
K6_SUMMARY = FIXTURES / "k6" / "stress-summary.json"


@dataclass(frozen=True)
class Loader:
    """One loader: the evidence entry that reaches it, a valid file to damage, how the file is named."""

    seed: str
    entry: Any  # the evidence block, "{path}" standing for the damaged file
    name: str = NAME
    gzipped: bool = False  # damage the text, then compress it (the decompressing reader sees it)


def _wl(fmt: str) -> dict[str, Any]:
    return {"workload": [{"path": "{path}", "format": fmt}]}


LOADERS = {
    "metrics": Loader("evidence/metrics.prom", {"metrics": [{"path": "{path}", "format": "prometheus"}]}),
    "metrics_json": Loader("evidence/series-list.json", {"metrics": [{"path": "{path}", "format": "json"}]}),
    "metrics_range_json": Loader(
        "evidence/series-query-range.json", {"metrics": [{"path": "{path}", "format": "json"}]}
    ),
    "metrics_csv": Loader("evidence/series.csv", {"metrics": [{"path": "{path}", "format": "csv"}]}),
    "workload_postgres_log": Loader("workload/postgres_q.log", _wl("postgres_log")),
    "workload_auto": Loader("workload/postgres_m.log", {"workload": [{"path": "{path}"}]}),
    "workload_mysql_slow": Loader("workload/mysql_slow.log", _wl("mysql_slow")),
    "workload_pgss_csv": Loader("workload/pgss.csv", _wl("pg_stat_statements")),
    "workload_pgss_json": Loader("workload/pgss_pg12.json", _wl("pg_stat_statements")),
    "workload_sql": Loader("workload/queries.sql", _wl("sql")),
    "workload_jsonl": Loader("workload/queries.jsonl", _wl("jsonl")),
    "workload_otlp": Loader("workload/traces.otlp.json", _wl("otlp")),
    "traces_collector": Loader("evidence/traces-collector.jsonl", {"traces": ["{path}"]}),
    "traces_legacy": Loader("evidence/traces-legacy.json", {"traces": ["{path}"]}),
    "load_tests": Loader("evidence/k6-summary-export.json", {"load_tests": ["{path}"]}),
    "load_tests_handle_summary": Loader("evidence/k6-handle-summary.json", {"load_tests": ["{path}"]}),
    "load_test_series_json_gz": Loader(
        "k6/stress-timeseries.json.gz",
        {"load_tests": [{"path": str(K6_SUMMARY), "timeseries": "{path}"}]},
        name="series.json.gz",
        gzipped=True,
    ),
    "load_test_series_csv_gz": Loader(
        "k6/baseline-timeseries.csv.gz",
        {"load_tests": [{"path": str(K6_SUMMARY), "timeseries": "{path}"}]},
        name="series.csv.gz",
        gzipped=True,
    ),
    "load_test_series_gzip_bytes": Loader(
        "k6/stress-timeseries.json.gz",
        {"load_tests": [{"path": str(K6_SUMMARY), "timeseries": "{path}"}]},
        name="series.json.gz",
    ),
    "access_logs": Loader("evidence/access.log", {"access_logs": ["{path}"]}),
    "access_logs_jsonl": Loader("evidence/access.jsonl", {"access_logs": ["{path}"]}, name="access.jsonl"),
    "containers": Loader("evidence/Dockerfile", {"containers": ["{path}"]}),
    "inventory_yaml": Loader("evidence/inventory.yaml", {"infrastructure": {"inventory": "{path}"}}),
    "inventory_csv": Loader(
        "evidence/inventory.csv", {"infrastructure": {"inventory": "{path}"}}, name="inventory.csv"
    ),
    "inventory_json": Loader(
        "evidence/inventory.json", {"infrastructure": {"inventory": "{path}"}}, name="inventory.json"
    ),
    "kubernetes": Loader("evidence/k8s.yaml", {"infrastructure": {"kubernetes": ["{path}"]}}),
    "plans_json": Loader("evidence/explain/plan-analyze.json", {"plans": ["{path}"]}),
    "plans_text": Loader("evidence/explain/plans.txt", {"plans": ["{path}"]}),
    "ddl": Loader("../../examples/recorded/schema.sql", {"database": {"ddl": "{path}"}}, name="schema.sql"),
}


def _fill(entry: Any, path: str) -> Any:
    if isinstance(entry, dict):
        return {key: _fill(value, path) for key, value in entry.items()}
    if isinstance(entry, list):
        return [_fill(value, path) for value in entry]
    return path if entry == "{path}" else entry


def target_for(kind: str, path: Path) -> Target:
    """A target whose only evidence of `kind` is `path` (kinds of test_special_files: the first format)."""
    loader = LOADERS.get(kind) or next(v for k, v in LOADERS.items() if k.startswith(kind))
    target = Target.model_validate({"name": "fuzz", "evidence": _fill(loader.entry, str(path))})
    target._root = path.parent
    return target


def target_yaml(kind: str, folder: Path) -> Path:
    """folder/target.yaml reading folder/<the loader's file name> as its only evidence."""
    import yaml

    loader = LOADERS[kind]
    path = folder / "target.yaml"
    path.write_text(yaml.safe_dump({"name": "fuzz", "evidence": _fill(loader.entry, loader.name)}))
    return path


def seed_bytes(loader: Loader) -> bytes:
    data = (FIXTURES / loader.seed).read_bytes()
    if loader.gzipped:
        data = gzip.decompress(data)
    return data[:6000]


def assert_bounded(kind: str, data: bytes) -> None:
    """Non-strict: never raises, the file is read or skipped by name. Strict: returns or names the file."""
    loader = LOADERS[kind]
    with tempfile.TemporaryDirectory(prefix="hardening-fuzz-") as tmp:
        path = Path(tmp) / loader.name
        path.write_bytes(gzip.compress(data, mtime=0) if loader.gzipped else data)
        target = target_for(kind, path)
        bundle = load_evidence(target, live=False)
        named = {r.source for r in bundle.read} | {s.source for s in bundle.skipped}
        assert loader.name in named or kind == "ddl"  # a DDL file is listed only when it has problems
        for skip in bundle.skipped:
            assert skip.reason and skip.source in named
        try:
            load_evidence(target, strict=True, live=False)
        except EvidenceError as exc:
            assert exc.source == loader.name and exc.message


@pytest.mark.parametrize("kind", sorted(LOADERS))
def test_damaged_evidence_is_skipped_or_named(kind: str) -> None:
    @given(damaged(seed_bytes(LOADERS[kind])))
    def check(data: bytes) -> None:
        run_case(f"loader {kind}", lambda: assert_bounded(kind, data))

    check()


def test_damaged_target_files_fail_with_target_error(tmp_path: Path) -> None:
    from perfpilot.target import TargetError, load_target

    example = FIXTURES.parents[1] / "examples" / "recorded"
    for name in ("metrics.prom", "postgresql.log", "schema.sql", "traces.json", "k6-summary.json"):
        shutil.copy(example / name, tmp_path / name)
    for name in ("Dockerfile", "inventory.yaml"):
        shutil.copy(example / name, tmp_path / name)
    seed = (example / "target.yaml").read_bytes()

    @given(damaged(seed))
    def check(data: bytes) -> None:
        path = tmp_path / "target.yaml"
        path.write_bytes(data)

        def load() -> None:
            try:
                load_target(path)
            except TargetError as exc:
                assert str(exc).startswith(f"{path}: invalid target\n  - ") and exc.problems

        run_case("loader target.yaml", load)

    check()
