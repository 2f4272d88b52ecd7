"""The parallel slow-log digest (byte ranges cut at entry starts) equals the sequential one."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from perfpilot.workload import parallel
from perfpilot.workload.digest import digest_file

SHAPES = [
    "SELECT * FROM orders WHERE id = {n}",
    "SELECT * FROM t WHERE a IN ({n}, {m})",
    "UPDATE stock SET n = n - 1 WHERE id = {n}",
    "SELECT name\n  FROM users\n WHERE email = 'u{n}@x.org'",
]


def _write_log(path: Path, entries: int) -> None:
    rng = random.Random(3)
    parts = ["/usr/sbin/mysqld, Version: 8.0.36 (MySQL). started with:\n", "stray text before any entry\n"]
    for i in range(entries):
        sql = rng.choice(SHAPES).format(n=rng.randint(1, 9999), m=rng.randint(1, 9))
        parts.append(
            f"# Time: 2026-11-01T10:{i // 600 % 60:02d}:{i // 10 % 60:02d}.{i % 10}00000Z\n"
            f"# User@Host: a[a] @ localhost []  Id: {i % 7}\n"
            f"# Query_time: {rng.uniform(0.001, 0.5):.6f}  Lock_time: 0.0 Rows_sent: 1"
            f"  Rows_examined: {i % 50}\n"
        )
        if i % 41 == 0:
            parts.append("# administrator command: Ping;\n")
        parts.append(f"SET timestamp={1793527200 + i};\n{sql};\n")
    path.write_text("".join(parts))


@pytest.mark.parametrize("workers", [2, 3])
def test_parallel_digest_equals_sequential(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: int
) -> None:
    path = tmp_path / "slow.log"
    _write_log(path, 3000)
    sequential = digest_file(path, workers=1)
    monkeypatch.setattr(parallel, "MIN_SPLIT_BYTES", 1)
    assert parallel.worth_splitting(path, workers)
    split = digest_file(path, workers=workers)
    assert split.total_count == sequential.total_count == 3000
    assert split.unparsed_lines == sequential.unparsed_lines == 1
    assert len(split.queries) == len(sequential.queries)
    for a, b in zip(split.queries, sequential.queries, strict=True):
        assert (a.fingerprint, a.count, a.max_time_s, a.example, a.first_seen, a.last_seen) == (
            b.fingerprint, b.count, b.max_time_s, b.example, b.first_seen, b.last_seen,
        )
        assert a.total_time_s == pytest.approx(b.total_time_s)
        assert a.rows_examined == b.rows_examined
        assert a.p95_time_s == pytest.approx(b.p95_time_s, rel=0.01)


def test_ranges_start_at_entry_headers(tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    _write_log(path, 500)
    data = path.read_bytes()
    ranges = parallel._ranges(path, 4)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for start, _end in ranges[1:]:
        assert data[start : start + 8] == b"# Time: "
