"""Each CLI entry point in-process (typer's CliRunner, so no exception can hide behind the crash boundary)
over damaged inputs: `validate`, `run`, `run --strict`, `db digest` (every format), `db advise` and
`skills run`. Every case exits 0 (or a finished run's verdict) or 2 with a message naming the file, and
never raises. The subprocess checks with time and memory caps are test_cli_bad_inputs and
test_nasty_inputs."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given, settings
from typer.testing import CliRunner

from perfpilot.cli.app import app
from tests.hardening.conftest import scaled
from tests.hardening.harness import run_case
from tests.hardening.mutations import damaged
from tests.hardening.test_fuzz_loaders import FIXTURES, LOADERS, seed_bytes

pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")

EXAMPLE = FIXTURES.parents[1] / "examples" / "recorded"
FINISHED_RUN = frozenset({0, 1, 3, 4, 5, 6})
"""Exit codes of a run that finished (its verdict); 2 is bad input."""


def invoke(label: str, args: list[str], named: str, finished: frozenset[int] = frozenset({0})) -> Result:
    """`perfpilot ARGS` in-process: no exception escapes, no traceback printed, and exit 2 names `named`."""
    result = run_case(label, lambda: CliRunner().invoke(app, args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in finished | {2}, result.output
    if result.exit_code == 2:
        assert named in result.output, result.output
    return result


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("example")
    shutil.copytree(EXAMPLE, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("model", "*.py"))
    return folder


@settings(max_examples=scaled(1.0))
@given(damaged((EXAMPLE / "target.yaml").read_bytes()))
def test_validate_a_damaged_target(example_copy: Path, data: bytes) -> None:
    target = _write(example_copy / "fuzzed.yaml", data)
    invoke("cli validate target.yaml", ["validate", str(target)], "fuzzed.yaml")


EVIDENCE_KINDS = ("metrics", "workload_postgres_log", "traces_collector", "load_tests", "inventory_yaml")


@pytest.mark.parametrize("kind", EVIDENCE_KINDS)
def test_validate_damaged_evidence(tmp_path: Path, kind: str) -> None:
    from tests.hardening.test_fuzz_loaders import target_yaml

    @settings(max_examples=scaled(0.5))
    @given(damaged(seed_bytes(LOADERS[kind])))
    def check(data: bytes) -> None:
        _write(tmp_path / LOADERS[kind].name, data)
        target = target_yaml(kind, tmp_path)
        invoke(f"cli validate {kind}", ["validate", str(target)], LOADERS[kind].name)

    check()


@pytest.mark.parametrize("strict", [True, False], ids=["strict", "lenient"])
@pytest.mark.parametrize("kind", ["metrics", "workload_postgres_log", "load_tests"])
def test_run_on_damaged_evidence(tmp_path: Path, kind: str, strict: bool) -> None:
    from tests.hardening.test_fuzz_loaders import target_yaml

    @settings(max_examples=scaled(0.2))
    @given(damaged(seed_bytes(LOADERS[kind])))
    def check(data: bytes) -> None:
        _write(tmp_path / LOADERS[kind].name, data)
        target = target_yaml(kind, tmp_path)
        out = tmp_path / "out"
        shutil.rmtree(out, ignore_errors=True)
        args = ["run", str(target), "--out", str(out), "--headless", "--format", "json"]
        args += ["--log-level", "error"]
        result = invoke(
            f"cli run{' --strict' if strict else ''} {kind}",
            [*args, "--strict"] if strict else args,
            LOADERS[kind].name,
            FINISHED_RUN,
        )
        if not strict:
            assert result.exit_code in FINISHED_RUN  # bad evidence is skipped, the run goes on

    check()


DIGEST_KINDS = sorted(kind for kind in LOADERS if kind.startswith("workload_"))


@pytest.mark.parametrize("kind", DIGEST_KINDS)
def test_db_digest_damaged_workloads(tmp_path: Path, kind: str) -> None:
    loader = LOADERS[kind]
    fmt = loader.entry["workload"][0].get("format", "auto")

    @settings(max_examples=scaled(0.5))
    @given(damaged(seed_bytes(loader)))
    def check(data: bytes) -> None:
        path = _write(tmp_path / "workload.dat", data)
        invoke(f"cli db digest {fmt}", ["db", "digest", str(path), "--format", fmt, "--json"], "workload.dat")

    check()


@pytest.fixture(scope="module")
def orders_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("advise") / "orders.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL, customer_id INT)")
        conn.executemany(
            "INSERT INTO orders (status, customer_id) VALUES (?, ?)", [("paid", n % 50) for n in range(2000)]
        )
    return db


ADVISE_SEED = (
    b"SELECT * FROM orders WHERE status = 'paid';\n"
    b"SELECT id FROM orders WHERE customer_id = 7 ORDER BY id;\n"
    b"CREATE INDEX idx_status ON orders (status);\n"
    b"UPDATE orders SET status = 'new' WHERE id = 3;\n"
)


@settings(max_examples=scaled(0.3))
@given(damaged(ADVISE_SEED))
def test_db_advise_damaged_workload(orders_db: Path, data: bytes) -> None:
    workload = _write(orders_db.parent / "queries.sql", data)
    args = ["db", "advise", "--dsn", f"sqlite:///{orders_db}", "--workload", str(workload), "--format", "sql"]
    invoke("cli db advise", args, "queries.sql")


@settings(max_examples=scaled(0.5))
@given(damaged(b'{"window": {"start": 0, "end": 60}, "endpoints": ["GET /orders/{id}"]}'))
def test_skills_run_damaged_input(example_copy: Path, data: bytes) -> None:
    path = _write(example_copy / "input.json", data)
    args = ["skills", "run", "performance-profiler", "--target", str(example_copy / "target.yaml")]
    workdir = str(example_copy / "skill-run")
    invoke("cli skills run --input", [*args, "--input", str(path), "--workdir", workdir], "input.json")


def test_skills_run_load_test_runner_without_http_names_the_target(example_copy: Path) -> None:
    target = str(example_copy / "target.yaml")
    args = ["skills", "run", "load-test-runner", "--target", target]
    result = invoke("cli skills run load-test-runner", args, target)
    assert result.exit_code == 2 and "needs evidence.http" in result.output
