"""Access-log loader: nginx combined format with request time, and JSON lines."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpilot.evidence.access_log import clf_timestamp, iter_access_log, load_access_log
from perfpilot.evidence.errors import EvidenceError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


def test_combined_format_with_request_time() -> None:
    entries = load_access_log(FIXTURES / "access.log")
    assert [e.line for e in entries] == [1, 2, 3, 4, 6, 7]  # line 5 is blank
    first = entries[0]
    assert (first.method, first.path, first.status, first.bytes_sent) == ("GET", "/orders/1042", 200, 2326)
    assert first.duration_ms == pytest.approx(412.0)
    assert first.timestamp == datetime(2024, 11, 28, 14, 0, 1, tzinfo=UTC).timestamp()
    assert entries[1].path == "/customers/77/orders?page=2"
    assert entries[2].duration_ms == pytest.approx(1204.0) and entries[2].status == 502  # rt=, not urt=
    assert (entries[3].method, entries[3].status) == ("-", 400)
    assert entries[4].path == "/healthz"  # absolute-form request target
    assert entries[5].duration_ms is None and entries[5].bytes_sent is None


def test_json_lines() -> None:
    entries = list(iter_access_log(FIXTURES / "access.jsonl"))
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("GET", "/orders/1042", 200), ("POST", "/checkout?x=1", 502), ("GET", "/healthz", 200)
    ]
    assert entries[0].duration_ms == pytest.approx(412.0) and entries[0].bytes_sent == 2326
    assert entries[1].duration_ms == pytest.approx(1204.5) and entries[1].timestamp == 1732802402
    assert entries[2].timestamp == pytest.approx(1732802403.5) and entries[2].duration_ms is None


def test_error_log_line_in_access_log_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_access_log(FIXTURES / "access-bad.log", source="access.log")
    assert caught.value.line == 4
    assert str(caught.value) == "access.log:4: not a combined-format access log line"


def test_json_line_without_path_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_access_log(FIXTURES / "access-bad.jsonl")
    assert caught.value.line == 2 and "path" in caught.value.message


@pytest.mark.parametrize(
    "text", ["10/Oct/2000:13:55:36 -0700", "28/Nov/2024:14:00:01 +0000", "01/Jan/2024:00:00:00 +0530"]
)
def test_clf_timestamp_matches_strptime(text: str) -> None:
    assert clf_timestamp(text) == datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z").timestamp()


@pytest.mark.parametrize(
    "text", ["10/Okt/2000:13:55:36 -0700", "10/Oct/2000:13:55:36", "31/Feb/2024:00:00:00 +0000"]
)
def test_clf_timestamp_rejects_bad_times(text: str) -> None:
    with pytest.raises(ValueError):
        clf_timestamp(text)


def test_request_time_before_the_upstream_cache_status(tmp_path: Path) -> None:
    line = (
        '203.0.113.9 - - [14/Oct/2026:09:00:00 +0000] "GET /catalog/7 HTTP/1.1" 200 12824 "-" '
        '"Mozilla/5.0" 0.011 "HIT"\n'
    )
    log = tmp_path / "access.log"
    log.write_text(line)
    (entry,) = load_access_log(log)
    assert (entry.duration_ms, entry.cache_status, entry.headers) == (11.0, "HIT", None)
