"""JSON and CSV time-series loaders."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.timeseries import load_timeseries

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "evidence"


def test_prometheus_query_range_response() -> None:
    series = load_timeseries(FIXTURES / "series-query-range.json")
    assert [s.name for s in series] == ["process_cpu_seconds_total"] * 2
    assert series[0].labels == {"instance": "app-1:8000", "job": "checkout-api"}
    assert series[0].points[1] == (1732802415.0, 1803.9)
    assert math.isnan(series[1].points[2][1]) and series[1].points[3][1] == math.inf


def test_simple_list() -> None:
    series = load_timeseries(FIXTURES / "series-list.json")
    assert {s.labels["host"]: len(s.points) for s in series} == {"db-1": 2, "app-1": 2}


def test_csv_groups_rows_by_name_and_labels() -> None:
    series = load_timeseries(FIXTURES / "series.csv")
    keyed = {(s.name, tuple(sorted(s.labels.items()))): s.points for s in series}
    db = keyed[("cpu_utilisation", (("host", "db-1"), ("region", "eu-west-1")))]
    assert db == [(1732802400.0, 0.91), (1732802460.0, 0.93)]
    iso = datetime(2024, 11, 28, 14, 2, tzinfo=UTC).timestamp()
    assert keyed[("cpu_utilisation", (("host", "app-1"), ("region", "eu-west-1")))] == [(iso, 0.12)]
    assert ("cpu_utilisation", (("host", "app-1"),)) in keyed  # blank label cell left out
    assert len(series) == 4


def test_csv_bad_value_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_timeseries(FIXTURES / "series-bad.csv", source="series.csv")
    assert caught.value.line == 4
    assert str(caught.value).startswith("series.csv:4: bad value 'high'")


def test_json_syntax_error_names_line() -> None:
    with pytest.raises(EvidenceError) as caught:
        load_timeseries(FIXTURES / "series-bad.json")
    assert caught.value.line == 2
    assert "not valid JSON" in caught.value.message


def test_csv_without_required_columns(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text("time,metric,value\n1,a,2\n")
    with pytest.raises(EvidenceError, match="lacks timestamp, name"):
        load_timeseries(path)


@pytest.mark.parametrize(("stamp", "ok"), [("1.7328e9", True), ("inf", False), ("yesterday", False)])
def test_csv_timestamps(tmp_path: Path, stamp: str, ok: bool) -> None:
    path = tmp_path / "m.csv"
    path.write_text(f"timestamp,name,value\n{stamp},a,2\n")
    if ok:
        assert load_timeseries(path)[0].points == [(1.7328e9, 2.0)]
    else:
        with pytest.raises(EvidenceError, match="bad timestamp"):
            load_timeseries(path)
