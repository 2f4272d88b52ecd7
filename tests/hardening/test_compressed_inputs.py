"""Compressed evidence (k6 --out json=/csv= .gz) is decompressed under the kind's cap: a gzip bomb stops at
the cap with an error naming the file and the cap; an endless line stops at the line limit."""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import pytest

from perfpilot.evidence import load_evidence
from perfpilot.evidence.errors import EvidenceError
from perfpilot.inputs.bounded import bounded_lines, open_text
from perfpilot.inputs.files import InputRejected
from perfpilot.target.spec import Target

K6 = Path(__file__).resolve().parents[1] / "fixtures" / "k6"


def gzip_bomb(path: Path, megabytes: int, line: bytes = b"\n") -> Path:
    """`megabytes` MiB of `line` repeated, gzip-compressed (about 1/1000 of that on disk)."""
    block = line * ((1 << 20) // len(line))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: a gzip container
    with path.open("wb") as out:
        for _ in range(megabytes):
            out.write(compressor.compress(block))
        out.write(compressor.flush())
    return path


def target_with_series(tmp_path: Path, series: Path, cap: str) -> Target:
    summary = tmp_path / "summary.json"
    summary.write_bytes((K6 / "stress-summary.json").read_bytes())
    target = Target.model_validate(
        {
            "name": "bomb",
            "limits": {"max_bytes": {"load_test_series": cap}},
            "evidence": {"load_tests": [{"path": str(summary), "timeseries": str(series)}]},
        }
    )
    target._root = tmp_path
    return target


def test_a_gzip_bomb_stops_at_the_cap_naming_file_and_cap(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "out.json.gz", 64)
    assert bomb.stat().st_size < 200_000
    target = target_with_series(tmp_path, bomb, "1MiB")
    bundle = load_evidence(target, live=False)
    (skip,) = bundle.skipped
    assert skip.source == "out.json.gz"
    assert skip.reason.startswith("decompresses to more than the 1 MiB limit for this kind of input")
    assert "--max-bytes load_test_series=SIZE" in skip.reason
    with pytest.raises(EvidenceError, match=r"^out.json.gz: decompresses to more than the 1 MiB limit"):
        load_evidence(target, strict=True, live=False)


def test_a_bomb_under_the_cap_stops_at_the_compression_ratio(tmp_path: Path) -> None:
    bomb = gzip_bomb(tmp_path / "out.json.gz", 64)  # ~1000:1, far under the 512 MiB default cap
    (skip,) = load_evidence(target_with_series(tmp_path, bomb, "512MiB"), live=False).skipped
    assert (skip.source, skip.reason) == (
        "out.json.gz",
        "decompresses to more than 200 times its compressed size (a compression bomb?)",
    )


def test_a_real_gzipped_output_reads_under_its_cap(tmp_path: Path) -> None:
    target = target_with_series(tmp_path, K6 / "stress-timeseries.json.gz", "64MiB")
    bundle = load_evidence(target, live=False)
    assert bundle.skipped == []
    assert bundle.load_tests[0].timeline is not None and bundle.load_tests[0].timeline.windows


def test_open_text_counts_decompressed_not_compressed_bytes(tmp_path: Path) -> None:
    path = tmp_path / "x.csv.gz"
    path.write_bytes(gzip.compress(b"a,b\n" * 1000))
    with open_text(path, 4000, "load_test_series") as handle:
        assert handle.read() == "a,b\n" * 1000
    with open_text(path, 3999, "load_test_series") as handle, pytest.raises(InputRejected):
        handle.read()


def test_one_endless_line_stops_at_the_line_limit(tmp_path: Path) -> None:
    path = gzip_bomb(tmp_path / "line.json.gz", 4, line=b"x")
    with open_text(path, 8 << 20, "load_test_series") as handle, pytest.raises(
        InputRejected, match=r"^line 1 is longer than 1,048,576 characters$"
    ):
        list(bounded_lines(handle))
