"""Where the offline run's CPU goes, phase by phase, in one process: prints one JSON object of seconds.

Run by benchmarks.startup_bench in a fresh interpreter per repetition. Each import phase counts only the
modules not loaded by the phases before it, in the order `perfpilot run` loads them; the run's own phases
are timed by wrapping the functions perform_run calls (CPU of the whole process, so the checkpoint
writer's thread is included).
"""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

EXAMPLE = Path("examples/recorded/target.yaml")
IMPORT_PHASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("CLI (typer, perfpilot.cli.app)", ("perfpilot.cli.app",)),
    ("logging (structlog, redaction)", ("perfpilot.logs",)),
    (
        "LangGraph, langchain_core, langsmith (third-party)",
        ("langgraph.graph", "langgraph.types", "langgraph.checkpoint.sqlite", "langsmith.run_helpers"),
    ),
    ("perfpilot workflow modules (run, graphs, agents, evidence)", ("perfpilot.run.request",)),
)


def _timed_calls(module: str, name: str, totals: dict[str, float], label: str) -> None:
    """Wrap module.name so each call adds its process CPU time to totals[label]."""
    target = importlib.import_module(module)
    inner: Callable[..., Any] = getattr(target, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + time.process_time() - started

    setattr(target, name, wrapper)


def _as_the_command_loads() -> AbstractContextManager[object]:
    """The `perfpilot` command's garbage-collection policy while `run` loads its modules (armed as main()
    arms it), or nothing for a checkout that predates it (a `--compare` baseline)."""
    try:
        from perfpilot.cli import collector
    except ImportError:
        return nullcontext()
    collector.arm()
    return collector.loading_modules()


def main() -> None:
    phases: dict[str, float] = {"interpreter start (to the first line)": time.process_time()}
    mark = time.process_time()
    with _as_the_command_loads():
        for label, modules in IMPORT_PHASES:
            for module in modules:
                importlib.import_module(module)
            phases[label], mark = time.process_time() - mark, time.process_time()
    from perfpilot.logs import configure_logging
    from perfpilot.run.request import RunRequest, perform_run

    inside: dict[str, float] = {}
    _timed_calls("perfpilot.run.graph_run", "default_registry", inside, "skill discovery")  # as it calls it
    _timed_calls("perfpilot.agents.tokens", "_encoding", inside, "tokenizer load (cl100k)")
    _timed_calls("perfpilot.evidence.load", "load_evidence", inside, "evidence loading")
    _timed_calls("perfpilot.reports", "write_reports", inside, "reports (json, md, html, sarif)")
    _timed_calls("perfpilot.run.graph_run", "run_workflow", inside, "graph run")
    configure_logging(headless=True, level="warning")
    out = Path(tempfile.mkdtemp(prefix="perfpilot-phases-"))
    try:
        started = time.process_time()
        perform_run(RunRequest(target=EXAMPLE, out=out))
        total_run = time.process_time() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)
    nested = inside.get("skill discovery", 0.0) + inside.get("tokenizer load (cl100k)", 0.0)
    inside["graph run"] = inside.get("graph run", 0.0) - nested  # discovery and tokenizer load happen in it
    phases.update(inside)
    phases["rest of the run (target, planner, checkpoints, thread record)"] = total_run - sum(inside.values())
    phases["total"] = time.process_time()
    json.dump(phases, sys.stdout)


if __name__ == "__main__":
    main()
