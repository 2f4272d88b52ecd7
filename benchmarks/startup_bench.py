"""Start-up cost of the CLI: wall and CPU time of `--help`, `version` and the recorded example's offline run,
and import time (`python -X importtime`), each repeated, with the machine's load average alongside."""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = "examples/recorded/target.yaml"
CLI = ("-m", "perfpilot.cli.app")  # what the `perfpilot` script runs (perfpilot.cli.app:main)
WHERE_THE_TIME_GOES = (
    "What remains: the largest phase is importing LangGraph, which perfpilot does not control. "
    "`langgraph.types` reaches langsmith although nothing is traced (`langchain_core.runnables.base` -> "
    "`langchain_core.tracers.event_stream` -> ... -> `langchain_core.tracers.schemas`: `from langsmith "
    "import RunTree`, at module level in langchain-core 1.8.3); `langsmith.run_trees` imports "
    "`langsmith._internal._v2_migration_utils`, which imports `langsmith.types.run_select_field`, so the "
    "whole generated `langsmith.types` package loads (~310 pydantic models) with `langsmith.schemas` "
    "(~50), `langsmith.client`, urllib3, psutil and opentelemetry's SDK: ~0.2 s of CPU with collection "
    "paused (langsmith 0.14.9, the oldest langchain-core 1.8 accepts, has the same chain). No setting "
    "turns this off (langchain-core 1.8.4, the newest, is the same; deferring these imports is an open "
    "request, langchain-ai/langchain#40236): LangGraph's `Pregel` is a `Runnable`, so the graph cannot be "
    "built without "
    "`langchain_core.runnables.base`, and `graph.stream()` configures callbacks (importing "
    "`langsmith.run_helpers`) on every run, traced or not. `langgraph.runtime` imports "
    "`langgraph_sdk.auth.types`, which loads the SDK client (httpx, which imports rich, and websockets). "
    "Logging's share is structlog, whose package imports `structlog.dev` and with it rich's traceback "
    "and pretty printers (pygments, attrs). Evidence loading and skill discovery include loading "
    "sqlglot's PostgreSQL dialect and detect-secrets' plugins (~25 regexes compiled); the evidence "
    "itself is ~4,000 PostgreSQL log lines, a Prometheus snapshot and DDL. The tokenizer is tiktoken's "
    "cl100k: its 100,256 ranks read back from perfpilot's cache file (~0.04 s; tiktoken's own loader, "
    "which the first run uses, ~0.07 s) and tiktoken's BPE core built over them (~0.07-0.1 s). Reports "
    "include the redaction pass over the whole HTML page (~0.045 s for ~72 KB, the passes whose required "
    "literal the page lacks skipped; the templates' compiled code comes from the cache folder too). The "
    "process-level CPU above differs from the phase total: the `perfpilot` command also runs children "
    "(`promtool check rules`, `hadolint`, ~0.06 s; real checks, run on every run), and it ends without "
    "the interpreter's teardown of ~1,750 modules (`perfpilot/cli/process_end.py`, ~0.1 s).",
)
IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)$")


@dataclass
class Timing:
    """Wall and CPU (user + system, of the child) seconds of repeated runs of one command."""

    label: str
    wall: list[float]
    cpu: list[float]
    load: list[float]  # 1-minute load average before each run


def child_env(source: Path) -> dict[str, str]:
    """The environment of a measured run: this checkout first on the path, no API key, and Python allowed
    to keep its bytecode cache (`__pycache__`), as it does after any `pip install`. With
    PYTHONDONTWRITEBYTECODE set (some CI images and this machine set it) every run would compile
    perfpilot's ~350 modules from source again (~0.5-0.8 s of CPU), which no installed copy does."""
    env = {**os.environ, "PYTHONPATH": str(source), "ANTHROPIC_API_KEY": ""}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(label: str, args: list[str], runs: int, sources: list[Path]) -> list[Timing]:
    """Run `python args` `runs` times from each source, measuring each run's wall and child CPU time, after
    one run left out of the figures (it writes the bytecode cache of whatever changed since the last). The
    sources take turns (A, B, A, B, ...), so a change in the machine's load falls on all of them."""
    timings = [Timing(label, [], [], []) for _ in sources]
    for attempt in range(runs + 1):
        for source, timing in zip(sources, timings, strict=True):
            load = os.getloadavg()[0]
            with tempfile.TemporaryDirectory() as tmp:
                command = [sys.executable, *[a.replace("{tmp}", tmp) for a in args]]
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                done = subprocess.run(
                    command, cwd=source, env=child_env(source), capture_output=True, text=True
                )
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode not in (0, 4):  # 4: the example's run ends `projected`, as it should
                raise SystemExit(f"{label} failed ({done.returncode}): {done.stderr[-800:]}")
            if attempt == 0:
                continue
            timing.wall.append(wall)
            timing.load.append(load)
            timing.cpu.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return timings


def phases(runs: int, sources: list[Path]) -> list[dict[str, list[float]]]:
    """CPU seconds per phase of the offline run (benchmarks/startup_phases.py), one fresh process per run,
    the sources taking turns; the script is this checkout's, the perfpilot it measures is each source's."""
    script = Path(__file__).with_name("startup_phases.py")
    found: list[dict[str, list[float]]] = [{} for _ in sources]
    for _ in range(runs):
        for source, into in zip(sources, found, strict=True):
            done = subprocess.run(
                [sys.executable, str(script)],
                cwd=source,
                env=child_env(source),
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"startup_phases failed: {done.stderr[-800:]}")
            for name, seconds in json.loads(done.stdout.splitlines()[-1]).items():
                into.setdefault(name, []).append(seconds)
    return found


def import_profile(module: str, runs: int, source: Path) -> tuple[list[float], dict[str, float]]:
    """Cumulative import time (s) of `module` per run, and the median self time (s) per top-level package."""
    totals: list[float] = []
    per_package: defaultdict[str, list[float]] = defaultdict(list)
    env = child_env(source)
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            cwd=source,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        selves: defaultdict[str, float] = defaultdict(float)
        for line in done.stderr.splitlines():
            match = IMPORTTIME.match(line)
            if match is None:
                continue
            self_us, cumulative_us, indent, name = match.groups()
            parts = name.split(".")
            package = ".".join(parts[:2]) if parts[0] == "perfpilot" else parts[0]
            selves[package] += int(self_us) / 1e6
            if name == module and not indent:
                totals.append(int(cumulative_us) / 1e6)
        for package, seconds in selves.items():
            per_package[package].append(seconds)
    return totals, {package: statistics.median(values) for package, values in per_package.items()}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} | {min(values):.3f}–{max(values):.3f}"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1 / 5 / 15 min; {os.cpu_count()} CPUs)"


def measure(sources: list[Path], runs: int, top: int) -> list[list[str]]:
    """The timing and import tables of each checkout, their runs taking turns."""
    commands = (
        ("`perfpilot --help`", [*CLI, "--help"]),
        ("`perfpilot version`", [*CLI, "version"]),
        (
            f"`perfpilot run {EXAMPLE} --out X` (offline)",
            [*CLI, "run", EXAMPLE, "--out", "{tmp}/out", "--headless", "--log-level", "warning"],
        ),
    )
    per_command = [timed(label, args, runs, sources) for label, args in commands]
    per_source_phases = phases(runs, sources)
    return [
        tables(source, [timing[i] for timing in per_command], per_source_phases[i], runs, top)
        for i, source in enumerate(sources)
    ]


def tables(
    source: Path, timings: list[Timing], by_phase: dict[str, list[float]], runs: int, top: int
) -> list[str]:
    """One checkout's tables: commands, phases, import time."""
    cli_imports, _ = import_profile("perfpilot.cli.app", runs, source)
    run_imports, packages = import_profile("perfpilot.run.request", runs, source)
    heaviest = sorted(packages.items(), key=lambda item: -item[1])[:top]
    return [
        "| command | wall median (s) | wall range | CPU median (s) | CPU range | load avg (1 min) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {t.label} | {spread(t.wall)} | {spread(t.cpu)} | {min(t.load):.1f}–{max(t.load):.1f} |"
            for t in timings
        ),
        "",
        f"Where the offline run's CPU goes (`benchmarks/startup_phases.py`: one process, {runs} runs, "
        "each import phase counting only what the phases above it did not load; s):",
        "",
        "| phase | CPU median | range | share of the median total |",
        "|---|---|---|---|",
        *(
            f"| {name} | {spread(values)} | "
            f"{statistics.median(values) / statistics.median(by_phase['total']):.0%} |"
            for name, values in by_phase.items()
        ),
        "",
        "Import time (`python -X importtime -c 'import MODULE'`, cumulative, s):",
        "",
        "| module | median | range |",
        "|---|---|---|",
        f"| `perfpilot.cli.app` (what `--help` and `version` load) | {spread(cli_imports)} |",
        f"| `perfpilot.run.request` (what `run` loads) | {spread(run_imports)} |",
        "",
        f"Heaviest packages under `perfpilot.run.request` (median self time, s; importtime's own overhead "
        f"included): {', '.join(f'{name} {seconds:.3f}' for name, seconds in heaviest)}.",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5, help="repetitions of each command (at least 3)")
    parser.add_argument("--source", type=Path, default=ROOT, help="checkout to measure (default: this one)")
    parser.add_argument(
        "--compare",
        nargs=2,
        metavar=("DIR", "LABEL"),
        help="also measure another checkout (e.g. `git archive REV | tar -x -C DIR`), reported as LABEL",
    )
    parser.add_argument("--markdown", type=Path, help="also write the figures to this file")
    parser.add_argument("--top", type=int, default=12, help="packages listed by import self time")
    args = parser.parse_args(argv)
    runs = max(3, args.runs)
    load_before = load_average()
    sources = [Path(args.compare[0]).resolve()] if args.compare else []
    *compared_tables, current = measure([*sources, args.source.resolve()], runs, args.top)
    compared = compared_tables[0] if compared_tables else []
    load_after = load_average()
    command = f".venv/bin/python -m benchmarks.startup_bench --runs {runs}"
    if args.compare:
        command += f" --compare {args.compare[0]} '{args.compare[1]}'"
    lines = [
        "## Start-up",
        "",
        f"Command: `{command}` ({runs} runs of each, one process per run; the commands run as "
        "`python -m perfpilot.cli.app`, what the `perfpilot` script calls). CPU is the child's user + "
        "system time: on a shared machine it is the steadier figure; wall time includes waiting for a core."
        + (
            " The two checkouts' runs take turns (one of each, then again), so load changes fall on both."
            if args.compare
            else ""
        ),
        "",
        f"Load average before: {load_before}; after: {load_after}.",
        "",
    ]
    if args.compare:
        lines += [f"### {args.compare[1]}", "", *compared, "", "### This checkout", ""]
    lines += [*current, "", *WHERE_THE_TIME_GOES]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text)


if __name__ == "__main__":
    main()
