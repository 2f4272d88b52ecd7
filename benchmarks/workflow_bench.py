"""Wall time of a full offline run on the bundled recorded example (in-process, median of N runs)."""

from __future__ import annotations

import argparse
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
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--markdown", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    from perfpilot.logs import configure_logging

    configure_logging(headless=True, level="error")
    load_times, run_times = [], []
    tokens: list[int] = []
    for _ in range(args.runs):
        started = time.perf_counter()
        evidence = load_evidence(load_target(EXAMPLE))
        loaded = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            report = run_workflow(evidence, RunOptions(workdir=Path(tmp)))
        load_times.append(loaded - started)
        run_times.append(time.perf_counter() - loaded)
        tokens.append(sum(s.tokens_used for s in report.steps))
    lines = [
        "## Offline workflow on the recorded example",
        "",
        "Command: `.venv/bin/python -m benchmarks.workflow_bench`"
        f" ({args.runs} runs in one process; the first includes imports and the skill registry)",
        "",
        "| measure | median | min | max |",
        "|---|---|---|---|",
        row("evidence loading (s)", load_times, ".3f"),
        row("graph run, 4 steps (s)", run_times, ".3f"),
        row("tokens charged, all steps", [float(t) for t in tokens], ".0f"),
        "",
        f"Status {report.status}, tier {report.tier}, {len(report.findings)} findings.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
