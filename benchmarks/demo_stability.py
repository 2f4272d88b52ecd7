"""How stable `make demo`'s verdict is on a busy machine: run the full demo N times and count the verdicts.

Each run is `python -m perfpilot.cli.demo --out DIR` in a fresh folder (what `make demo` runs), timed,
with the machine's 1-minute load average before and after it and the host's CPU pressure over it (Linux
PSI, /proc/pressure/cpu `some`: the share of the run in which some runnable task waited for a CPU). The
run's status, the validation verdict, every target's verdict and the service's own CPU wait (the
validation's host-CPU note) are read from its report.json.

"Busy" is made reproducible, not left to whatever else runs: `--background-load N` starts N CPU-bound
processes (a Python busy loop each, at normal priority) for the whole measurement, on top of the rest of
the machine's work. Each demo runs in its own network namespace (`unshare -n`: it binds a 127.0.0.1:8765
of its own, so other work's port 8765 neither blocks nor answers it; needs root or user namespaces;
`--host-network` runs it on the host's). `--streams K` runs K demos at a time; each is then load on the
others. `--markdown FILE` writes the table between the `demo-stability` markers of FILE.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.sections import replace_generated

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- demo-stability:start -->", "<!-- demo-stability:end -->"
BUSY_LOOP = "while True: pass"
_PSI_SOME = re.compile(r"^some\b.*\btotal=(\d+)", re.MULTILINE)
_WAIT = re.compile(r"waited ([\d.]+) ms/request for a CPU, ran ([\d.]+) ms")


@dataclass
class DemoRun:
    """One demo run's outcome."""

    exit_code: int
    status: str
    verdict: str
    wall_s: float
    load_before: float
    load_after: float = 0.0
    cpu_pressure: float | None = None  # share of the run with a task waiting for a CPU (PSI some)
    service_wait: str = "-"  # the service's CPU wait / CPU time per request in the after-runs, ms
    stream: int = 1
    targets: dict[str, str] = field(default_factory=dict)


def _git_head() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def cpu_pressure_us(path: Path = Path("/proc/pressure/cpu")) -> int | None:
    """PSI's cumulative `some` CPU stall time in microseconds (None where the kernel has no PSI)."""
    try:
        match = _PSI_SOME.search(path.read_text())
    except OSError:
        return None
    return int(match.group(1)) if match else None


def demo_command(out: Path, namespace: bool) -> list[str]:
    """The demo's command line; in a private network namespace with its own loopback when asked."""
    demo = [sys.executable, "-m", "perfpilot.cli.demo", "--out", str(out)]
    if not namespace:
        return demo
    return ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {shlex.join(demo)}"]


def read_report(out: Path) -> tuple[str, str, dict[str, str], str]:
    """(status, validation verdict, verdict per target, service CPU wait/ran ms per request)."""
    report_path = out / "report.json"
    if not report_path.is_file():
        return "no report", "-", {}, "-"
    report = json.loads(report_path.read_text(encoding="utf-8"))
    validation = report.get("validation") or {}
    targets = {  # rows judged without an interval (error rate) carry only `met`
        row["metric"]: row.get("verdict") or {True: "met", False: "not met"}.get(row.get("met"), "-")
        for row in validation.get("comparisons", [])
        if row.get("target") is not None
    }
    waits = [m for note in validation.get("notes", []) if (m := _WAIT.search(note))]
    wait = f"{waits[0].group(1)} / {waits[0].group(2)}" if waits else "-"
    return report.get("status", "?"), validation.get("verdict") or "-", targets, wait


def run_once(out: Path, *, namespace: bool = False, stream: int = 1) -> DemoRun:
    """Run the demo into `out` and read what it concluded."""
    load = os.getloadavg()[0]
    pressure = cpu_pressure_us()
    started = time.perf_counter()
    done = subprocess.run(
        demo_command(out, namespace), cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "ANTHROPIC_API_KEY": ""},
    )
    wall = time.perf_counter() - started
    pressure_after = cpu_pressure_us()
    share = (
        min((pressure_after - pressure) / 1e6 / wall, 1.0)
        if pressure is not None and pressure_after is not None and wall > 0
        else None
    )
    status, verdict, targets, wait = read_report(out)
    return DemoRun(
        done.returncode, status, verdict, wall, load, os.getloadavg()[0], share, wait, stream, targets
    )


def start_background_load(count: int) -> list[subprocess.Popen[bytes]]:
    """`count` CPU-bound processes (a busy loop each), stopped by `stop_background_load`."""
    return [
        subprocess.Popen([sys.executable, "-c", BUSY_LOOP], stdin=subprocess.DEVNULL)
        for _ in range(count)
    ]


def stop_background_load(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=10)


def markdown(runs: list[DemoRun], head: str, *, background: int = 0, streams: int = 1) -> str:
    """The section's table and summary."""
    statuses = collections.Counter(r.status for r in runs)
    common, count = statuses.most_common(1)[0]
    options = (f" --background-load {background}" if background else "") + (
        f" --streams {streams}" if streams > 1 else ""
    )
    pressures = [r.cpu_pressure for r in runs if r.cpu_pressure is not None]
    busy = (
        f"{background} CPU-bound background processes on {os.cpu_count()} CPUs for the whole measurement"
        if background
        else f"{os.cpu_count()} CPUs, no background load started"
    )
    lines = [
        f"Command: `.venv/bin/python -m benchmarks.demo_stability --runs {len(runs)}{options} --markdown "
        f"docs/bench/demo.md` at commit {head} ({busy}"
        + (f", {streams} demos at a time" if streams > 1 else "")
        + "; other work on the machine as it happened: see the load averages and CPU pressure).",
        "",
        f"**Same status in {count} of {len(runs)} runs** (`{common}`); statuses: "
        + ", ".join(f"`{s}` x{n}" for s, n in statuses.most_common())
        + "."
        + (
            f" CPU pressure (PSI some) over the runs: {min(pressures):.0%} to {max(pressures):.0%}."
            if pressures
            else ""
        ),
        "",
        "| run | stream | exit | status | validation verdict | targets met | not met or undecided | wall s "
        "| load avg (1 min) before, after | CPU pressure | service CPU wait / ran, ms per request |",
        "|---:|---:|---:|---|---|---:|---|---:|---:|---:|---:|",
    ]
    for index, run in enumerate(runs, 1):
        met = sum(v in ("met_beyond_noise", "met") for v in run.targets.values())
        undecided = [f"{m} ({v})" for m, v in run.targets.items() if v not in ("met_beyond_noise", "met")]
        pressure = f"{run.cpu_pressure:.0%}" if run.cpu_pressure is not None else "-"
        lines.append(
            f"| {index} | {run.stream} | {run.exit_code} | {run.status} | {run.verdict} | {met} of "
            f"{len(run.targets)} | {', '.join(undecided) or '-'} | {run.wall_s:.0f} | "
            f"{run.load_before:.1f}, {run.load_after:.1f} | {pressure} | {run.service_wait} |"
        )
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    """Replace the text between the markers in path."""
    replace_generated(path, START, END, text)


def run_streams(runs: int, streams: int, folder: Path, *, namespace: bool = True) -> list[DemoRun]:
    """`runs` demo runs over `streams` concurrent streams."""
    results: list[tuple[float, DemoRun]] = []
    lock = threading.Lock()
    counter = iter(range(1, runs + 1))

    def stream(number: int) -> None:
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            began = time.time()
            run = run_once(folder / f"run-{index}", namespace=namespace, stream=number)
            with lock:
                results.append((began, run))
            print(
                f"run {index} (stream {number}): exit {run.exit_code} {run.status} ({run.wall_s:.0f} s, "
                f"load {run.load_before:.1f}->{run.load_after:.1f})",
                flush=True,
            )

    threads = [threading.Thread(target=stream, args=(n,)) for n in range(1, streams + 1)]
    for thread in threads:
        thread.start()
        time.sleep(5)  # not both services starting in the same second
    for thread in threads:
        thread.join()
    return [run for _, run in sorted(results, key=lambda pair: pair[0])]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--background-load", type=int, default=0, help="CPU-bound processes to start")
    parser.add_argument("--streams", type=int, default=1, help="demos at a time (network namespaces)")
    parser.add_argument("--host-network", action="store_true", help="no private network namespace")
    parser.add_argument("--keep", type=Path, help="keep each run's report folder under this folder")
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    background = start_background_load(args.background_load)
    try:
        with tempfile.TemporaryDirectory(prefix="perfpilot-demo-stability-") as tmp:
            folder = args.keep or Path(tmp)
            runs = run_streams(args.runs, max(1, args.streams), folder, namespace=not args.host_network)
    finally:
        stop_background_load(background)
    text = markdown(runs, _git_head(), background=args.background_load, streams=args.streams)
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
