"""`perfpilot graph` draws the orchestrator in Mermaid or ASCII; graph and schema are commands, not groups."""

from __future__ import annotations

import pytest

from tests.cli.test_target_errors import perfpilot


def test_graph_draws_mermaid_and_ascii() -> None:
    mermaid = perfpilot("graph")
    assert mermaid.returncode == 0 and "profiling -.-> analysis;" in mermaid.stdout
    ascii_art = perfpilot("graph", "--ascii")
    assert ascii_art.returncode == 0, ascii_art.stderr
    for node in ("profiling", "analysis", "optimization", "validation", "redesign"):
        assert f"| {node} |" in ascii_art.stdout


@pytest.mark.parametrize("command", ["graph", "schema"])
def test_help_offers_no_subcommands(command: str) -> None:
    result = perfpilot(command, "--help")
    assert result.returncode == 0 and f"{command} [OPTIONS]" in result.stdout
    assert "COMMAND [ARGS]" not in result.stdout
