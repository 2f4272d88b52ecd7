"""The orchestrator graph for LangGraph Server (`langgraph.json`): compiled with a default run context.

The target comes from PERFPILOT_TARGET (default: the repository's recorded example), the planner is the
offline one, and skills write under PERFPILOT_WORKDIR (default: a temporary folder). The server supplies
its own checkpointer; nothing is applied (apply is "none")."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import structlog
from langgraph.runtime import Runtime

from perfpilot.graphs.orchestrator import RunContext, build_graph

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TARGET = REPO_ROOT / "examples" / "recorded" / "target.yaml"
RUNTIME_KEY = "__pregel_runtime"  # where LangGraph looks for a parent runtime to merge the run's into


def default_context() -> RunContext:
    """Evidence of the configured target, the offline planner, read-only skills."""
    from perfpilot.evidence.load import load_evidence
    from perfpilot.run.graph_run import RunOptions, run_context
    from perfpilot.target import load_target

    target = Path(os.environ.get("PERFPILOT_TARGET", str(DEFAULT_TARGET)))
    workdir = Path(os.environ.get("PERFPILOT_WORKDIR") or tempfile.mkdtemp(prefix="perfpilot-graph-"))
    evidence = load_evidence(load_target(target))
    options = RunOptions(workdir=workdir)
    return run_context(evidence, options, structlog.get_logger("perfpilot.run"))


def make_graph() -> Any:
    """The compiled orchestrator graph; a run given no context of its own gets default_context()."""
    graph = build_graph().compile()
    graph.context_schema = None  # a server would build RunContext(**run.context); the default one is used
    return graph.with_config({"configurable": {RUNTIME_KEY: Runtime(context=default_context())}})
