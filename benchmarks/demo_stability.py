"""How stable `make demo`'s verdict is: run the full demo N times in a row and count the verdicts.

Each run is `python -m perfpilot.cli.demo --out DIR` in a fresh folder (what `make demo` runs), timed,
with the machine's load average before it. The run's status, the validation verdict and every target's
per-endpoint verdict are read from its report.json. `--markdown FILE` writes the table between the
`demo-stability` markers of FILE (docs/benchmarks.md).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- demo-stability:start -->", "<!-- demo-stability:end -->"


@dataclass
class DemoRun:
    """One demo run's outcome."""

    exit_code: int
    status: str
    verdict: str
    wall_s: float
    load_before: float
    targets: dict[str, str] = field(default_factory=dict)


def _git_head() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def run_once(out: Path) -> DemoRun:
    """Run the demo into `out` and read what it concluded."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "perfpilot.cli.demo", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "ANTHROPIC_API_KEY": ""},
    )
    wall = time.perf_counter() - started
    report_path = out / "report.json"
    if not report_path.is_file():
        return DemoRun(done.returncode, "no report", "-", wall, load)
    report = json.loads(report_path.read_text(encoding="utf-8"))
    validation = report.get("validation") or {}
    targets = {  # rows judged without an interval (error rate) carry only `met`
        row["metric"]: row.get("verdict") or {True: "met", False: "not met"}.get(row.get("met"), "-")
        for row in validation.get("comparisons", [])
        if row.get("target") is not None
    }
    return DemoRun(
        done.returncode, report.get("status", "?"), validation.get("verdict") or "-", wall, load, targets
    )


def markdown(runs: list[DemoRun], head: str) -> str:
    """The section's table and summary."""
    statuses = collections.Counter(r.status for r in runs)
    common, count = statuses.most_common(1)[0]
    lines = [
        f"Command: `.venv/bin/python -m benchmarks.demo_stability --runs {len(runs)} --markdown "
        f"docs/benchmarks.md` at commit {head} ({os.cpu_count()} CPUs; other work on the machine as it "
        "happened: see the load averages).",
        "",
        f"**Same status in {count} of {len(runs)} runs** (`{common}`); statuses: "
        + ", ".join(f"`{s}` x{n}" for s, n in statuses.most_common())
        + ".",
        "",
        "| run | exit | status | validation verdict | targets met | not met or undecided | wall s "
        "| load avg before |",
        "|---:|---:|---|---|---:|---|---:|---:|",
    ]
    for index, run in enumerate(runs, 1):
        met = sum(v in ("met_beyond_noise", "met") for v in run.targets.values())
        undecided = [f"{m} ({v})" for m, v in run.targets.items() if v not in ("met_beyond_noise", "met")]
        lines.append(
            f"| {index} | {run.exit_code} | {run.status} | {run.verdict} | {met} of {len(run.targets)} | "
            f"{', '.join(undecided) or '-'} | {run.wall_s:.0f} | {run.load_before:.1f} |"
        )
    return "\n".join(lines)


def write_markdown(path: Path, text: str) -> None:
    """Replace the text between the markers in path."""
    document = path.read_text(encoding="utf-8")
    before, _, rest = document.partition(START)
    _, _, after = rest.partition(END)
    path.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--markdown", type=Path)
    args = parser.parse_args()
    runs: list[DemoRun] = []
    with tempfile.TemporaryDirectory(prefix="perfpilot-demo-stability-") as tmp:
        for index in range(args.runs):
            run = run_once(Path(tmp) / f"run-{index + 1}")
            runs.append(run)
            print(f"run {index + 1}: exit {run.exit_code} {run.status} ({run.wall_s:.0f} s)", flush=True)
    text = markdown(runs, _git_head())
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
