"""Snapshots of each step's rendered prompt and tool definitions, with token counts under the step's budget.

A change to a prompt or a tool schema shows up here as a diff. Regenerate the snapshots on purpose with
PERFPILOT_UPDATE_SNAPSHOTS=1 .venv/bin/pytest tests/agents/test_prompt_snapshots.py (and re-record the
Claude example: make record-example)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from perfpilot.agents.loop import step_prompt
from perfpilot.agents.planners.claude_compact import compact_schema
from perfpilot.agents.steps import STEPS
from perfpilot.agents.tokens import count_tokens
from perfpilot.evidence.bundle import EvidenceBundle
from perfpilot.skills.registry import default_registry
from perfpilot.target import load_target

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "fixtures" / "prompts"
TARGET = ROOT / "examples" / "recorded" / "target.yaml"


def _snapshot(step_name: str) -> tuple[str, int]:
    step = STEPS[step_name]  # type: ignore[index]
    registry = default_registry()
    skills = [s for s in step.skills if s in registry]
    prompt = step_prompt(step, EvidenceBundle(target=load_target(TARGET)), skills)
    tools = [
        {
            "name": s,
            "description": registry.get(s).description,
            "input_schema": compact_schema(registry.get(s).input_schema),
        }
        for s in skills
    ]
    tools.append({"name": "submit", "input_schema": compact_schema(step.judgement.model_json_schema())})
    tools_text = json.dumps(tools, indent=1, sort_keys=True)
    tokens = count_tokens(prompt) + count_tokens(tools_text)
    counts = f"prompt {count_tokens(prompt)}, tools {count_tokens(tools_text)}"
    text = f"# {step_name}: {tokens} tokens ({counts})\n\n"
    return text + prompt + "\n\n## Tools\n\n" + tools_text + "\n", tokens


@pytest.mark.parametrize("step_name", sorted(STEPS))
def test_prompt_and_tools_snapshot(step_name: str) -> None:
    text, tokens = _snapshot(step_name)
    path = SNAPSHOTS / f"{step_name}.md"
    if os.environ.get("PERFPILOT_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text)
    assert path.read_text() == text, f"{path} changed: regenerate with PERFPILOT_UPDATE_SNAPSHOTS=1"
    # the fixed part of every request leaves most of the step's budget for evidence and results
    assert tokens < STEPS[step_name].budget * 0.75  # type: ignore[index]
