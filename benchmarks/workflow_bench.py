"""Wall and CPU time of a full offline run on the bundled recorded example (in-process, median of N runs)."""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from perfpilot.evidence.load import load_evidence
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.target import load_target

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "recorded" / "target.yaml"


def row(label: str, values: list[float], fmt: str) -> str:
    return f"| {label} | {statistics.median(values):{fmt}} | {min(values):{fmt}} | {max(values):{fmt}} |"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7, help="Runs (>= 3: median and range).")
    parser.add_argument("--markdown", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if args.runs < 3:
        parser.error("--runs must be at least 3")
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="error")
    load_times, run_times, load_cpu, run_cpu = [], [], [], []
    tokens: list[int] = []
    for _ in range(args.runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        evidence = load_evidence(load_target(EXAMPLE))
        loaded, loaded_cpu = time.perf_counter(), time.process_time()
        with tempfile.TemporaryDirectory() as tmp:
            report = run_workflow(evidence, RunOptions(workdir=Path(tmp)))
        load_times.append(loaded - started)
        run_times.append(time.perf_counter() - loaded)
        load_cpu.append(loaded_cpu - started_cpu)
        run_cpu.append(time.process_time() - loaded_cpu)
        tokens.append(sum(s.tokens_used for s in report.steps))
    lines = [
        "## Offline workflow on the recorded example",
        "",
        "Command: `.venv/bin/python -m benchmarks.workflow_bench`"
        f" ({args.runs} runs in one process; the first includes imports and the skill registry)",
        "",
        "| measure | median | min | max |",
        "|---|---|---|---|",
        row("evidence loading, wall (s)", load_times, ".3f"),
        row("evidence loading, CPU of this process (s)", load_cpu, ".3f"),
        row("graph run, 4 steps, wall (s)", run_times, ".3f"),
        row("graph run, 4 steps, CPU of this process (s)", run_cpu, ".3f"),
        row("tokens charged, all steps", [float(t) for t in tokens], ".0f"),
        "",
        f"Status {report.status}, tier {report.tier}, {len(report.findings)} findings. "
        f"Load average at the end: {', '.join(f'{v:.1f}' for v in os.getloadavg())} (wall time grows "
        "with other work on the host; CPU time much less).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
