"""PostgreSQL digest benchmark: `perfpilot db digest` vs pgBadger on a recorded PostgreSQL 15 log."""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.pgbadger_classes import match, pgbadger_command, read_ours, read_pgbadger
from benchmarks.pgbadger_report import Run, report
from benchmarks.sections import cpu_model, replace_generated

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / ".data"
START, END = "<!-- pgbadger-bench:start -->", "<!-- pgbadger-bench:end -->"


def measure(name: str, command: list[str], stdout: Path) -> Run:
    """Run one command with its stdout to a file; wall time, and from wait4 the child's own CPU time
    (user + sys, its reaped children included) and peak RSS."""
    load = os.getloadavg()[0]
    with stdout.open("wb") as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.PIPE, cwd=ROOT)
        assert child.stderr is not None
        errors = child.stderr.read()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"{name} failed ({child.returncode}): {errors.decode(errors='replace')[-2000:]}")
    return Run(name, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, load)


def record_log(path: Path, statements: int) -> None:
    """Record the log with PostgreSQL itself (scripts/record_pg_log.py: a private server and pgbench)."""
    script = ROOT / "scripts" / "record_pg_log.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(path), "--statements", str(statements)], check=True
    )


def _python() -> str:
    venv = ROOT / ".venv" / "bin" / "python"
    return os.path.relpath(venv, ROOT) if venv.exists() else sys.executable



def main(argv: list[str] | None = None) -> None:
    """Record (or reuse) the log, run both tools on it alternately and print a markdown report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--statements", type=int, default=1_000_000, help="size of the recorded log")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each tool (>= 3)")
    parser.add_argument("--markdown", type=Path, help="also write the report into this section file")
    args = parser.parse_args(argv)
    if args.repeats < 3:
        parser.error("--repeats must be at least 3 (median and range)")
    log = DATA / f"pg-{args.statements}.log"
    if not log.exists():
        record_log(log, args.statements)
    relative = str(log.relative_to(ROOT))
    ours_runs: list[Run] = []
    badger_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="pgbadger-bench-") as tmp:
        ours_out, badger_out = Path(tmp) / "ours.json", Path(tmp) / "pgbadger.json"
        our_command = [_python(), "-m", "perfpilot.cli.db", "digest", relative, "--json"]
        badger_cmd = pgbadger_command(relative, str(badger_out))
        for _ in range(args.repeats):
            ours_runs.append(measure("perfpilot db digest", our_command, ours_out))
            badger_runs.append(measure("pgBadger", badger_cmd, Path(tmp) / "pgbadger.stdout"))
        ours = read_ours(ours_out.read_text(encoding="utf-8"))
        shapes = match(ours, read_pgbadger(badger_out))
    header = (
        f"- machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}; "
        f"pgBadger {_pgbadger_version()}\n"
        f"- command: `.venv/bin/python -m benchmarks.pgbadger_bench --statements {args.statements}"
        + (f" --repeats {args.repeats}" if args.repeats != 3 else "")
        + "`\n"
        f"- perfpilot: `{shlex.join(our_command)}`\n"
        f"- pgBadger: `{shlex.join(badger_cmd).replace(str(badger_out), 'TMP/pgbadger.json')}`\n"
        f"- log: `{relative}` ({log.stat().st_size / 1e6:.0f} MB)\n"
    )
    text = header + report(ours_runs, badger_runs, shapes) + "\n"
    if args.markdown:
        replace_generated(
            args.markdown, START, END, text, "Digest of PostgreSQL logs: perfpilot against pgBadger"
        )
    sys.stdout.write(text)


def _pgbadger_version() -> str:
    done = subprocess.run(["pgbadger", "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().rsplit(" ", 1)[-1] or "unknown"



if __name__ == "__main__":
    main()
