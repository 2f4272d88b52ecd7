"""The bad inputs issue #11 names, each as a folder and a command: run them as tests (test_nasty_inputs) or
as a script that prints the figures (`python -m tests.hardening.nasty_inputs`): exit code, tracebacks,
wall time and peak RSS (VmHWM) of each, under the 1 GiB address-space cap."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import sys
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "recorded"
BILLION_LAUGHS = "a: &a [lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"{n}: &{n} [{','.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


@dataclass(frozen=True)
class Nasty:
    """One bad input: make(folder) lays it out and returns the command's arguments."""

    name: str
    make: Callable[[Path], list[str]]
    names: tuple[str, ...]  # what the error must name (exit 2)
    exits: frozenset[int] = frozenset({2})
    env: dict[str, str] = field(default_factory=dict)


def _target(folder: Path, evidence: str, name: str = "target.yaml") -> Path:
    path = folder / name
    path.write_text(f"name: nasty\nevidence:\n{evidence}")
    return path


def _example(folder: Path) -> Path:
    shutil.copytree(EXAMPLE, folder, dirs_exist_ok=True, ignore=shutil.ignore_patterns("model", "*.py"))
    return folder / "target.yaml"


def _alias_bomb(folder: Path) -> list[str]:
    (folder / "bomb.yaml").write_text("name: bomb\n" + BILLION_LAUGHS)
    return ["validate", "bomb.yaml"]


def _metrics_30mb(folder: Path) -> list[str]:
    line = 'http_requests_total{method="GET",route="/api/v1/items/%d",status="200"} %d\n'
    with (folder / "metrics.prom").open("w") as out:
        out.write("# TYPE http_requests_total counter\n")
        for n in range(30 * (1 << 20) // len(line % (99999, 999999))):
            out.write(line % (n, n * 7))
    _target(folder, "  metrics: [{path: metrics.prom}]\n")
    return ["validate", "target.yaml"]


def _fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "traces.json")
    _target(folder, "  traces: [traces.json]\n")
    return ["validate", "target.yaml"]


def _dev_zero(folder: Path) -> list[str]:
    _target(folder, "  metrics: [{path: /dev/zero}]\n")
    return ["validate", "target.yaml"]


def _symlink_loop(folder: Path) -> list[str]:
    (folder / "loop.json").symlink_to(folder / "loop.json")
    _target(folder, "  load_tests: [loop.json]\n")
    return ["validate", "target.yaml"]


def _nul_in_path(folder: Path) -> list[str]:
    _target(folder, '  traces: ["traces\\0.json"]\n')
    return ["validate", "target.yaml"]


def _utf16_without_bom(folder: Path) -> list[str]:
    (folder / "target.yaml").write_bytes("name: caf\xe9\nevidence: {}\n".encode("utf-16-le"))
    return ["validate", "target.yaml"]


def _latin1(folder: Path) -> list[str]:
    (folder / "target.yaml").write_bytes("name: caf\xe9\narchitecture: d\xe9j\xe0 vu\n".encode("latin-1"))
    return ["validate", "target.yaml"]


def _json_10000_deep(folder: Path) -> list[str]:
    (folder / "k6.json").write_text("[" * 10_000 + "]" * 10_000)
    _target(folder, "  load_tests: [k6.json]\n")
    return ["validate", "target.yaml"]


def _create_index_in_advise(folder: Path) -> list[str]:
    with sqlite3.connect(folder / "orders.db") as conn:
        conn.execute("CREATE TABLE orders (id INTEGER PRIMARY KEY, status TEXT NOT NULL)")
        conn.executemany("INSERT INTO orders (status) VALUES (?)", [("paid",), ("new",)] * 500)
    (folder / "queries.sql").write_text(
        "CREATE INDEX idx_x ON orders (status);\nSELECT * FROM orders WHERE status = 'paid';\n"
    )
    return ["db", "advise", "--dsn", f"sqlite:///{folder / 'orders.db'}", "--workload", "queries.sql"]


def _random_ddl_strict(folder: Path) -> list[str]:
    target = _example(folder)
    (folder / "schema.sql").write_bytes(random.Random(11).randbytes(4096))
    return ["run", target.name, "--strict", "--out", "out", "--headless"]


def _directory_ddl_strict(folder: Path) -> list[str]:
    target = _example(folder)
    (folder / "schema.sql").unlink()
    (folder / "schema.sql").mkdir()
    return ["run", target.name, "--strict", "--out", "out", "--headless"]


def _junk_workload_strict(folder: Path) -> list[str]:
    target = _example(folder)
    (folder / "postgresql.log").write_text("".join(f"junk line {n} ~~~\n" for n in range(500)))
    return ["run", target.name, "--strict", "--out", "out", "--headless"]


def _load_test_runner(folder: Path) -> list[str]:
    target = _example(folder)
    return ["skills", "run", "load-test-runner", "--target", target.name, "--workdir", "skill"]


def _gzip_bomb(folder: Path) -> list[str]:
    shutil.copy(ROOT / "tests" / "fixtures" / "k6" / "stress-summary.json", folder / "k6.json")
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    with (folder / "series.json.gz").open("wb") as out:
        for _ in range(600):  # 600 MiB of newlines in ~600 KiB
            out.write(compressor.compress(b"\n" * (1 << 20)))
        out.write(compressor.flush())
    _target(folder, "  load_tests: [{path: k6.json, timeseries: series.json.gz}]\n")
    return ["validate", "target.yaml"]


def _digest_fifo(folder: Path) -> list[str]:
    os.mkfifo(folder / "slow.log")
    return ["db", "digest", "slow.log"]


NASTY = (
    Nasty("nested-alias YAML", _alias_bomb, ("bomb.yaml", "refusing to expand")),
    Nasty("30 MB metrics file", _metrics_30mb, ("metrics.prom", "limit")),
    Nasty("FIFO as evidence", _fifo, ("traces.json", "FIFO")),
    Nasty("/dev/zero as evidence", _dev_zero, ("/dev/zero", "character device")),
    Nasty("symlink loop", _symlink_loop, ("loop.json", "symlink loop")),
    Nasty("NUL byte in a path", _nul_in_path, ("target.yaml", "NUL byte")),
    Nasty("UTF-16 target without BOM", _utf16_without_bom, ("target.yaml",)),
    Nasty("latin-1 target", _latin1, ("target.yaml", "not UTF-8 text")),
    Nasty("JSON 10,000 deep", _json_10000_deep, ("k6.json", "nested 10000 levels deep")),
    Nasty("CREATE INDEX in a db advise workload", _create_index_in_advise, (), frozenset({0, 2})),
    Nasty("random-bytes DDL with --strict", _random_ddl_strict, ("schema.sql",)),
    Nasty("directory as DDL with --strict", _directory_ddl_strict, ("schema.sql", "directory")),
    Nasty("junk workload with --strict", _junk_workload_strict, ("postgresql.log",)),
    Nasty("skills run load-test-runner", _load_test_runner, ("target.yaml", "evidence.http")),
    Nasty("gzip bomb as k6 time series", _gzip_bomb, ("series.json.gz", "decompresses to more than")),
    Nasty("FIFO as db digest input", _digest_fifo, ("slow.log", "FIFO")),
)


def main() -> int:
    """Run every case once and print one line of figures each; exit 1 when one breaks the rules."""
    from tests.hardening.cli_bounds import perfpilot

    broken = 0
    print(f"{'case':<38} exit  traceback  seconds  peak RSS MiB  named  (traceback: or internal error)")
    for case in NASTY:
        with tempfile.TemporaryDirectory(prefix="perfpilot-nasty-") as tmp:
            args = case.make(Path(tmp))
            outcome = perfpilot(*args, cwd=Path(tmp), env=case.env, label=case.name)
        traceback = "Traceback" in outcome.stdout + outcome.stderr or "internal error" in outcome.stderr
        named = all(n in outcome.stderr for n in case.names) if outcome.code == 2 else True
        ok = outcome.code in case.exits and not traceback and named
        broken += not ok
        print(
            f"{case.name:<38} {outcome.code:>4}  {'yes' if traceback else 'no':>9}  {outcome.seconds:7.1f}  "
            f"{outcome.peak_rss_bytes / 2**20:12.0f}  {'yes' if named else 'NO'}{'' if ok else '  <- broken'}"
        )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
