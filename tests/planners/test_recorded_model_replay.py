"""The bundled example's recorded Claude run replays through the real CLI and graph to the expected report.

No network, no fake server, no API key: `--replay examples/recorded/model` serves the recorded turns.
When a prompt, skill output or request shape changes on purpose, re-record with
`.venv/bin/python -m tests.planners.recorded_example` and review the diff of the expected report."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner

from perfpilot.cli.app import app
from tests.fakes.judging_model import input_tokens, judge
from tests.fakes.messages_api import FakeMessagesAPI
from tests.planners.recorded_example import EXPECTED, RECORDING, ROOT, TARGET, normalized, run_cli

RERECORD = "re-record with `.venv/bin/python -m tests.planners.recorded_example` if the change is intended"


@pytest.fixture(autouse=True)
def at_repository_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.chdir(ROOT)
    yield
    structlog.reset_defaults()


def test_replay_gives_the_expected_report(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "--replay", RECORDING)
    assert result.exit_code == 4, f"{result.output}\n{RERECORD}"
    report = normalized(tmp_path)
    expected = json.loads(EXPECTED.read_text())
    for step in report["steps"]:
        assert step["planner"] == "claude", step["notes"]
        assert step["model_calls"] == 1
        assert step["tokens_used"] <= step["token_budget"]
        assert step["tokens_used"] == step["tokens_in"] + step["tokens_out"]
    assert [s["token_budget"] for s in report["steps"]] == [3_000, 4_000, 4_000, 4_000]
    assert report["decision_path"] == expected["decision_path"]
    assert (report["status"], report["tier"]) == (expected["status"], expected["tier"])
    assert [f["id"] for f in report["findings"]] == [f["id"] for f in expected["findings"]]
    assert report == expected, RERECORD


def test_replay_does_not_depend_on_the_machines_binaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without promtool on PATH (a machine with less installed), the recorded requests still match."""
    bare = tmp_path / "bin"
    bare.mkdir()
    monkeypatch.setenv("PATH", str(bare))
    assert shutil.which("promtool") is None
    result = run_cli(tmp_path / "out", "--replay", RECORDING)
    assert result.exit_code == 4, f"{result.output}\n{RERECORD}"


def test_replay_applies_the_recorded_judgements_to_the_computed_artifacts(tmp_path: Path) -> None:
    assert run_cli(tmp_path / "claude", "--replay", RECORDING).exit_code == 4
    offline = CliRunner().invoke(app, ["run", TARGET, "--out", str(tmp_path / "offline"), "--headless"])
    assert offline.exit_code == 4, offline.output
    judged, computed = normalized(tmp_path / "claude"), normalized(tmp_path / "offline")
    submitted = {
        path.parent.name: json.loads(path.read_text())["content"][-1]["input"]
        for path in (ROOT / RECORDING).glob("*/*.response.json")
    }
    assert judged["inventory"]["top_targets"] == submitted["profiling"]["top_targets"]
    assert judged["inventory"]["bottlenecks"] == computed["inventory"]["bottlenecks"]

    asked = submitted["analysis"]["priorities"]
    before = {f["id"]: f["priority"] for f in computed["root_cause"]["findings"]}
    after = {f["id"]: f["priority"] for f in judged["root_cause"]["findings"]}
    assert any(before[i] != p for i, p in asked.items()), "the recorded judgement changes no priority"
    assert after == {**before, **asked}

    order = submitted["optimization"]["order"]
    assert computed["plan"]["deployment_sequence"][: len(order)] != order
    assert judged["plan"]["deployment_sequence"][: len(order)] == order
    assert sorted(judged["plan"]["deployment_sequence"]) == sorted(computed["plan"]["deployment_sequence"])
    assert set(submitted["validation"]["notes"]) <= set(judged["validation"]["notes"])


def test_missing_recording_is_a_clear_usage_error(tmp_path: Path) -> None:
    partial = tmp_path / "model"
    shutil.copytree(ROOT / RECORDING, partial)
    shutil.rmtree(partial / "analysis")
    result = run_cli(tmp_path / "out", "--replay", str(partial))
    assert result.exit_code == 2, result.output
    message = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert "--replay" in message and str(partial) in message
    assert "no recorded model call for step 'analysis' call #1" in message
    assert not (tmp_path / "out" / "report.json").exists()


def test_replay_of_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    result = run_cli(tmp_path / "out", "--replay", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "does not exist" in result.output + (result.stderr if result.stderr_bytes is not None else "")


def test_a_live_claude_run_fits_the_seed_budgets_as_the_api_counts(tmp_path: Path) -> None:
    """Against the judging fake (usage counted over each request as sent), no step falls back."""
    api = FakeMessagesAPI(responder=judge).start()
    try:
        env = {"ANTHROPIC_API_KEY": "sk-ant-fake-0000", "ANTHROPIC_BASE_URL": api.base_url}
        result = run_cli(tmp_path, env=env)
    finally:
        api.close()
    assert result.exit_code == 4, result.output
    report = normalized(tmp_path)
    assert len(api.bodies) == 4  # one request per step: prefetched results, then the judgement
    for step, body in zip(report["steps"], api.bodies, strict=True):
        assert step["planner"] == "claude", step["notes"]
        assert step["tokens_in"] == input_tokens(body)
        assert step["tokens_used"] <= step["token_budget"]
        assert input_tokens(body) + body["max_tokens"] <= step["token_budget"]
