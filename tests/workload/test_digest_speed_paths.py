"""What the digest's faster paths must not change: `db digest` skips statement streams (it prints
none) with the same figures, streams built on demand hold every statement, and the `# Time` value ends
at its last non-blank character."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from perfpilot.workload.digest import digest_file
from perfpilot.workload.streams import StreamRecorder

SHAPES = [
    "SELECT * FROM orders WHERE id = {n}",
    "/* app=shop */ SELECT * FROM t WHERE a IN ({n}, {m}) AND b = 'x{m}'",
    "UPDATE stock SET n = n - 1 WHERE id = {n}",
]


def _log(entries: int) -> str:
    rng = random.Random(11)
    parts = []
    for i in range(entries):
        sql = rng.choice(SHAPES).format(n=rng.randint(1, 9999), m=rng.randint(1, 9))
        head = f"# Time: 2026-11-01T10:00:{i % 60:02d}.{i:06d}Z\n" if i % 9 else ""
        parts.append(
            f"{head}# User@Host: a[a] @ localhost []  Id: {i % 7}\n"
            f"# Query_time: {rng.lognormvariate(-4, 1):.6f}  Lock_time: 0.0 Rows_sent: {i % 3}"
            f"  Rows_examined: {i % 50}\nSET timestamp={1793527200 + i};\n{sql};\n"
        )
    return "".join(parts)


def test_db_digest_leaves_streams_out_and_the_figures_alone(tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    path.write_text(_log(800), encoding="utf-8")
    with_streams = digest_file(path, workers=1)
    without = digest_file(path, workers=1, keep_streams=False)
    assert without.streams == [] and not without.streams_truncated
    assert without.model_dump() == with_streams.model_dump()  # streams are not part of the output
    assert sorted(stream.key for stream in with_streams.streams) == [str(k) for k in range(7)]
    statements = [s for stream in with_streams.streams for s in stream.statements]
    assert len(statements) == 800
    assert all(s.line and s.at for s in statements)
    by_id = {q.id for q in with_streams.queries}
    assert {s.shape_id for s in statements} == by_id


def test_streams_are_built_once_per_session_in_order_up_to_the_limit() -> None:
    recorder = StreamRecorder(limit=3)
    recorder.record("select ?", "s1", None, 0.5, 10, "2026-11-01T10:00:00Z", None)
    recorder.record("select ?", "s2", "s2", None, 20, None, "app")
    recorder.record("update t set a = ?", "s1", None, 0.25, 30, "2026-11-01T10:00:01Z", None)
    recorder.record("select ?", "s1", None, 0.1, 40, None, None)
    recorder.record("select ?", None, None, 0.1, 50, None, None)  # untagged: not a stream
    assert recorder.truncated and recorder.kept == 3
    first, second = recorder.streams()
    assert (first.key, first.request, second.key, second.request) == ("s1", False, "s2", True)
    assert [(s.duration_s, s.line, s.at) for s in first.statements] == [
        (0.5, 10, 1793527200.0), (0.25, 30, 1793527201.0)
    ]
    assert first.statements[0].shape_id == second.statements[0].shape_id != first.statements[1].shape_id
    assert (second.statements[0].duration_s, second.statements[0].application) == (0.0, "app")


@pytest.mark.parametrize(
    "time_line", ["# Time: 2026-11-01T10:00:00Z \t\r\n", "# Time: 2026-11-01T10:00:00Z\n"]
)
def test_time_header_ends_at_its_last_non_blank_character(tmp_path: Path, time_line: str) -> None:
    path = tmp_path / "slow.log"
    path.write_text(
        time_line + "# User@Host: a[a] @ localhost []  Id: 3\n"
        "# Query_time: 0.5  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 2\nSELECT 1;\n",
        encoding="utf-8",
    )
    (shape,) = digest_file(path, workers=1).queries
    assert shape.first_seen == "2026-11-01T10:00:00Z"


def test_a_malformed_query_time_in_the_common_layout_is_an_unparsed_line(tmp_path: Path) -> None:
    log = tmp_path / "slow.log"
    log.write_text(
        "# Time: 2024-01-01T00:00:00.000000Z\n# User@Host: a[a] @ localhost []  Id: 1\n"
        "# Query_time: 1.2.3  Lock_time: 0.0 Rows_sent: 1  Rows_examined: 1\nSET timestamp=1;\nselect 1;\n"
    )
    digest = digest_file(log, "mysql_slow", workers=1)
    assert (digest.unparsed_lines, digest.total_count, digest.total_time_s) == (1, 1, 0.0)
