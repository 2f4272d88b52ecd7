"""nginx upstream timings in access logs: uct/uht/urt (NGINX's upstream_time format), long names, JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from perfpilot.evidence.access_log import load_access_log
from perfpilot.evidence.errors import EvidenceError
from perfpilot.evidence.upstream_times import from_record, from_text, seconds_to_ms

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "skills" / "edge_computing"


@pytest.mark.parametrize(
    ("text", "ms"),
    [
        ("0.004", 4.0),
        ("1.026", 1026.0),
        ("0.004, 1.012", 1016.0),  # two servers tried (proxy_next_upstream)
        ("0.004, 1.012 : 0.003", 1019.0),  # and an internal redirect
        ("-", None),
        ("", None),
        ("-, 0.002", 2.0),  # the first server never reached
    ],
)
def test_seconds_to_ms_sums_every_server_tried(text: str, ms: float | None) -> None:
    assert seconds_to_ms(text) == ms


def test_short_and_long_names_quoted_or_not() -> None:
    assert from_text(' rt=1.032 uct="1.030" uht="1.031" urt="1.032"') == {
        "connect": 1030.0,
        "header": 1031.0,
        "response": 1032.0,
    }
    assert from_text(" upstream_connect_time=0.001, 0.002 upstream_response_time=0.010 x=1") == {
        "connect": 3.0,
        "response": 10.0,
    }
    assert from_text(' urt="-"') == {"response": None}
    assert from_text(" 0.412") == {}


def test_json_keys_as_strings_or_numbers() -> None:
    assert from_record({"upstream_connect_time": "0.001, -", "upstream_response_time": 0.25}) == {
        "connect": 1.0,
        "response": 250.0,
    }
    assert from_record({"request_time": "0.3"}) == {}


def test_a_recorded_nginx_line_keeps_request_and_upstream_times() -> None:
    entries = load_access_log(RECORDED / "nginx_upstream_syn_drops.log")
    assert len(entries) == 80
    first, slow = entries[0], entries[74]
    times = (first.duration_ms, first.upstream_connect_ms, first.upstream_header_ms)
    assert (*times, first.upstream_response_ms) == (15.0, 0.0, 15.0, 15.0)
    assert (slow.path, slow.duration_ms, slow.upstream_connect_ms, slow.upstream_response_ms) == (
        "/api/stock/SKU-4626",
        1244.0,
        1026.0,
        1244.0,
    )


def test_a_log_without_upstream_fields_has_none() -> None:
    entries = load_access_log(Path(__file__).resolve().parents[1] / "fixtures" / "evidence" / "access.log")
    assert entries[0].upstream_connect_ms is None and entries[0].upstream_response_ms is None
    assert entries[2].upstream_connect_ms == 0.0 and entries[2].upstream_response_ms == 1200.0


def test_a_malformed_upstream_time_names_the_line(tmp_path: Path) -> None:
    log = tmp_path / "access.log"
    log.write_text(
        '127.0.0.1 - - [07/Dec/2026:10:31:22 +0000] "GET / HTTP/1.1" 200 5 "-" "k6" rt=0.1 urt="0.1.2"\n'
    )
    with pytest.raises(EvidenceError, match=r"access.log:1: bad upstream time"):
        load_access_log(log)
