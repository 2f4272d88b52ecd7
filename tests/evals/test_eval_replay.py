"""`eval --planner claude --record` then `--planner replay`: model turns kept per incident, replayed offline.

The only fake is the model API: a local Messages API with one scripted `submit` per step."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from perfpilot.cli.app import app
from perfpilot.evals.loading import INCIDENTS_DIR
from perfpilot.evals.results import read_results
from tests.fakes.messages_api import FakeMessagesAPI, calls, tool_use

runner = CliRunner()
STEPS = ("profiling", "analysis", "optimization", "validation")


@pytest.fixture
def fake_model() -> Iterator[FakeMessagesAPI]:
    api = FakeMessagesAPI().start()
    api.script(*(calls(tool_use("submit", {"notes": [f"{step} judged."]})) for step in STEPS))
    try:
        yield api
    finally:
        api.close()
        structlog.reset_defaults()


def test_recorded_model_turns_replay_to_the_same_results(tmp_path: Path, fake_model: FakeMessagesAPI) -> None:
    folder = Path(shutil.copytree(INCIDENTS_DIR / "orders-missing-index-pgss", tmp_path / "incidents" / "o"))
    env = {"ANTHROPIC_API_KEY": "sk-ant-test-key-0000000000", "ANTHROPIC_BASE_URL": fake_model.base_url}
    recorded = runner.invoke(
        app, ["eval", str(folder), "--planner", "claude", "--record", "--out", str(tmp_path / "a")], env=env
    )
    assert recorded.exit_code == 0, recorded.output
    assert fake_model.received, "the Claude planner made no model call"
    assert any((folder / "model").rglob("*.json")), "no model turn recorded under incidents/<id>/model/"
    calls = len(fake_model.received)

    replayed = runner.invoke(
        app,
        ["eval", str(folder), "--planner", "replay", "--out", str(tmp_path / "b")],
        env={"ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": ""},
    )
    assert replayed.exit_code == 0, replayed.output
    assert len(fake_model.received) == calls, "replay reached the model API"
    (first,) = read_results(tmp_path / "a" / "results.jsonl")
    (second,) = read_results(tmp_path / "b" / "results.jsonl")
    assert first.error is None and first.model_calls > 0
    assert second.model_dump(exclude={"wall_time_s"}) == first.model_dump(exclude={"wall_time_s"})
