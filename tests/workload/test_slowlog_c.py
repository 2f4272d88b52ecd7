"""The digest's C accelerators (perfpilot/workload/_slowlog_c.c, _literals_c.c, _tally_c.c) against their
pure-Python reference: the same digests on every fixture log, the same fingerprints and slow-log rows on
generated odd input, the fallback when an extension is absent, and no stale build."""

from __future__ import annotations

import importlib
import io
import random
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from perfpilot.workload import accel, aggregate
from perfpilot.workload import fingerprint as fingerprint_module
from perfpilot.workload.digest import digest_file
from perfpilot.workload.events import ParseStats
from perfpilot.workload.fingerprint import fingerprint
from perfpilot.workload.formats import mysql_slow
from perfpilot.workload.formats.mysql_slow import SlowLogRow, iter_slow_log_rows
from perfpilot.workload.quantiles import QuantileSketch
from tests.conftest import require

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
WORKLOAD_FILES = sorted(
    path for path in (FIXTURES / "workload").rglob("*")
    if path.is_file() and path.suffix in {".log", ".csv", ".json", ".jsonl", ".sql"}
    and path.name != "expected_plans.json" and path.name != "pt_classes.json"
)
GOLDEN = (FIXTURES / "workload" / "fingerprints.txt").read_text().split("\n====\n")[1:]


def _pure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the pure-Python path, as when the extensions are not built."""
    monkeypatch.setattr(fingerprint_module, "_mask_literals", None)
    monkeypatch.setattr(mysql_slow, "_scan_entries", None)
    monkeypatch.setattr(aggregate, "_tally_rows", None)


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    _pure(monkeypatch)
    yield


def _accelerated() -> None:
    built = accel.slowlog is not None and accel.literals is not None and accel.tally is not None
    require("the digest's C accelerators", built, "pip install -e . builds them (gcc)")


@pytest.mark.parametrize("name", accel.NAMES)
def test_each_extension_is_built_from_its_current_source(name: str) -> None:
    try:
        module = importlib.import_module(f"perfpilot.workload.{name}")
    except ImportError:
        module = None
    if module is not None:  # an edited source that was not rebuilt would silently not run: say so here
        assert not accel.stale(module), f"{name} was built from another source: pip install -e ."
    _accelerated()
    assert accel.load(name) is module


def test_a_stale_or_switched_off_extension_is_not_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _accelerated()
    source = accel.source_of("_slowlog_c").read_bytes()
    copy = tmp_path / "_slowlog_c.c"
    copy.write_bytes(source)  # the same text, newer (a checkout): still current
    monkeypatch.setattr(accel, "source_of", lambda name: tmp_path / f"{name}.c")
    assert accel.load("_slowlog_c") is accel.slowlog
    copy.write_bytes(source + b"/* edited */\n")
    assert accel.stale(accel.slowlog)  # type: ignore[arg-type]
    assert accel.load("_slowlog_c") is None
    assert accel.load("_tally_c") is accel.tally  # an installed wheel ships no source: nothing to compare
    monkeypatch.setenv("PERFPILOT_PURE_PYTHON", "1")
    assert accel.load("_tally_c") is None


def test_packed_durations_make_the_same_sketch_as_one_at_a_time() -> None:
    rng = random.Random(5)
    values = [rng.lognormvariate(-3, 1.5) for _ in range(3000)]
    one_at_a_time, packed = QuantileSketch(), QuantileSketch()
    for value in values:
        one_at_a_time.add(value)
    for start in range(0, 3000, 64):
        packed.add_packed(array("d", values[start : start + 64]).tobytes())
        if start < 512:  # exact while small
            assert packed.quantile(0.95) == sorted(values[: start + 64])[-(-95 * (start + 64) // 100) - 1]
    quantiles = (0.5, 0.95, 0.99)
    assert [packed.quantile(q) for q in quantiles] == [one_at_a_time.quantile(q) for q in quantiles]


def test_without_the_extension_the_python_path_runs(pure_python: None, tmp_path: Path) -> None:
    path = tmp_path / "slow.log"
    path.write_text(_odd_log(random.Random(3), 40), encoding="utf-8")
    digest = digest_file(path, workers=1)
    assert digest.total_count > 0
    assert fingerprint("SELECT 1, 'a'") == "select ?, ?"


def _digests(path: Path) -> dict[tuple[str, bool], object]:
    """The digest by both fingerprint rules, with streams (rows seen one by one) and without (the C tally
    when it is built, as `perfpilot db digest` runs)."""
    return {
        (rules, streams): digest_file(
            path, workers=1, fingerprint_rules=rules, keep_streams=streams
        ).model_dump(mode="json")
        for rules in ("perfpilot", "pt")
        for streams in (False, True)
    }


@pytest.mark.parametrize("path", WORKLOAD_FILES, ids=[p.name for p in WORKLOAD_FILES])
def test_every_fixture_log_digests_alike_on_both_paths(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _accelerated()
    fast = _digests(path)
    _pure(monkeypatch)
    assert _digests(path) == fast


def test_golden_fingerprints_alike_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    _accelerated()
    statements = [block.split("\n=>\n")[0].split("\n", 1)[-1] for block in GOLDEN]
    dialects = (None, "mysql", "postgres")
    fast = [fingerprint(sql, dialect) for sql in statements for dialect in dialects]
    monkeypatch.setattr(fingerprint_module, "_mask_literals", None)
    assert [fingerprint(sql, dialect) for sql in statements for dialect in dialects] == fast


_PIECES = [
    "0", "1", "7", "42", "0x1f", "0x", "0b101", "0b2", "1.5", "1.", ".5", "1e5", "1e", "1e-3", "2E+7",
    "1.5e3x", "'", "''", "'a'", "'o''b'", "\\", "\\'", "\\\n", "\n", " ", "  ", "\t", "\r", "x", "e", "b",
    "X", "_", "$",
    "?", "-", "+", "(", ")", ",", "=", "/*", "*/", "/*/", "--", "#", '"', "`", "é", "٣", "SELECT", "where",
    "t1", "a_2", "in", "values", ";", "/* c */ ",
]


def _statement(rng: random.Random) -> str:
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 14)))


def test_generated_statements_fingerprint_alike_on_both_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    _accelerated()
    rng = random.Random(20261207)
    statements = [_statement(rng) for _ in range(6000)]
    fast = [fingerprint(sql, "mysql") for sql in statements]
    masks = [accel.literals.mask_literals(sql) for sql in statements]  # type: ignore[union-attr]
    assert sum(mask is not None for mask in masks) > 1500  # most take the C path
    monkeypatch.setattr(fingerprint_module, "_mask_literals", None)
    assert [fingerprint(sql, "mysql") for sql in statements] == fast


def _entry(rng: random.Random, n: int) -> str:
    """One slow-log entry, usually of the common layout, sometimes with an odd part."""
    odd = rng.random() < 0.35
    pick = rng.randint(0, 15) if odd else -1
    parts = []
    if rng.random() < 0.8 or pick == 0:
        parts.append(f"# Time: 2026-11-01T10:00:{n % 60:02d}.{n:06d}Z{' ' if pick == 0 else ''}\n")
    session = {1: "Id: ", 2: "Id:\t٣", 3: "Id: 12 x"}.get(pick, "Id: ")
    parts.append(f"# User@Host: a[a] @ localhost [] Id: 9 {session}{n % 5}{chr(13) if pick == 4 else ''}\n")
    duration = {5: "1.5.2", 6: "7", 7: "0."}.get(pick, f"{rng.random():.6f}")
    gap = "\t" if pick == 8 else " "
    examined = "5٣" if pick == 9 else str(n * 1000)
    if pick != 15:  # 15: no figures at all
        parts.append(
            f"# Query_time: {duration}{gap} Lock_time: 0.000010 Rows_sent: {n % 4}"
            f"  Rows_examined: {examined}\n"
        )
    if pick == 10:
        parts.append("# Schema: shop  Last_errno: 0\n")
    if pick == 11 or rng.random() < 0.05:
        parts.append(rng.choice(["use shop;\n", "USE `db2`;\n", "use  odd name;\n"]))
    if rng.random() < 0.7 or pick == 12:
        parts.append(rng.choice([f"SET timestamp={1793527200 + n};\n", "SET timestamp=17x;\n"]))
    body = _statement(rng).replace("#", "")
    if pick == 13:
        body = rng.choice(["", ";", " ;\n;", "# administrator command: Quit", "SET insert_id=5,timestamp=9;"])
    if pick == 14:
        body += "\n/usr/sbin/mysqld, Version: 8.0 started with:\nTcp port: 3306"
    parts.append(f"{body};\n" if rng.random() < 0.9 else f"{body}\n\n")
    return "".join(parts)


def _odd_log(rng: random.Random, entries: int) -> str:
    return "".join(_entry(rng, n) for n in range(entries))


@pytest.mark.parametrize("seed", range(3))
def test_generated_slow_logs_digest_alike_on_both_paths(
    seed: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _accelerated()
    path = tmp_path / "slow.log"
    path.write_text(_odd_log(random.Random(seed), 1500), encoding="utf-8")
    fast = _digests(path)
    _pure(monkeypatch)
    assert _digests(path) == fast


def _rows(text: str) -> tuple[list[SlowLogRow], int]:
    stats = ParseStats("generated.log")
    rows = list(iter_slow_log_rows(io.StringIO(text), stats))
    return rows, stats.unparsed_lines


@pytest.mark.parametrize("seed", range(6))
def test_generated_slow_logs_read_alike_on_both_paths(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    _accelerated()
    text = _odd_log(random.Random(seed), 400)
    if seed % 2:
        text = text.replace("\n", "\r\n", 7)
    if seed == 4:
        text = text[: len(text) // 2]  # the last entry cut short
    scan = accel.slowlog.scan_entries  # type: ignore[union-attr]
    read_in_c = []

    def counting_scan(*args: Any) -> Any:
        found = scan(*args)
        read_in_c.extend(found[0])
        return found

    monkeypatch.setattr(mysql_slow, "_scan_entries", counting_scan)
    fast = _rows(text)
    assert len(fast[0]) > 150
    assert len(fast[0]) // 4 < len(read_in_c) < len(fast[0]) * 3 // 4  # both readers took part
    monkeypatch.setattr(mysql_slow, "_scan_entries", None)
    assert _rows(text) == fast
