"""Format detection by sniffing, and clear errors for files that are not workloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.workload.detect import detect_format
from perfpilot.workload.errors import WorkloadError
from perfpilot.workload.ingest import iter_events

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "workload"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("mysql_slow.log", "mysql_slow"),
        ("mysql_slow_malformed.log", "mysql_slow"),
        ("postgres_m.log", "postgres_log"),
        ("postgres_t.log", "postgres_log"),
        ("postgres_q.log", "postgres_log"),
        ("pgss.csv", "pg_stat_statements"),
        ("pgss_pg12.json", "pg_stat_statements"),
        ("queries.sql", "sql"),
        ("queries.jsonl", "jsonl"),
        ("traces.otlp.json", "otlp"),
    ],
)
def test_detects_each_format(name: str, expected: str) -> None:
    assert detect_format(FIXTURES / name) == expected


def test_slow_log_without_banner_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    path.write_text("# Time: 2026-01-01T00:00:00Z\n# User@Host: a[a] @ h []  Id: 1\n")
    assert detect_format(path) == "mysql_slow"


def test_not_a_workload_names_the_file() -> None:
    path = FIXTURES / "not_a_workload.txt"
    with pytest.raises(WorkloadError, match=r"not_a_workload\.txt: not a recognised workload"):
        detect_format(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty file"), (b"\x00\x01\x02binary", "binary data"), (b'{"hello": 1}\n', "not a recognised")],
)
def test_unusable_files_give_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.dat"
    path.write_bytes(content)
    with pytest.raises(WorkloadError, match=message) as caught:
        detect_format(path)
    assert str(path) in str(caught.value)


def test_missing_file_and_unknown_format_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(WorkloadError, match=r"missing\.log: no such file"):
        list(iter_events(tmp_path / "missing.log"))
    with pytest.raises(WorkloadError, match=r"missing\.log: no such file"):
        list(iter_events(tmp_path / "missing.log", "mysql_slow"))
    with pytest.raises(WorkloadError, match="unknown workload format 'csv'"):
        list(iter_events(FIXTURES / "pgss.csv", "csv"))
