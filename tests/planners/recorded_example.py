"""The bundled example's recorded `--planner claude` run: paths, report normalisation, and re-recording.

`python -m tests.planners.recorded_example` re-records examples/recorded/model/ (model calls and token
counts) against the local fake Messages API (tests/fakes/judging_model.py standing in for Claude) and
rewrites the expected report."""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from perfpilot.artifacts.report import EXIT_CODES
from perfpilot.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
TARGET = "examples/recorded/target.yaml"
RECORDING = "examples/recorded/model"
EXPECTED = ROOT / "tests" / "fixtures" / "planners" / "recorded_model_report.json"
NO_MODEL_ENV = {"ANTHROPIC_API_KEY": "", "ANTHROPIC_BASE_URL": "", "PERFPILOT_MODEL": ""}


def run_cli(out: Path, *options: str, env: dict[str, str] | None = None) -> Any:
    """`perfpilot run` of the bundled example through the real CLI (call from the repository root)."""
    args = ["run", TARGET, "--out", str(out), "--planner", "claude", "--headless", "--log-level", "warning"]
    return CliRunner().invoke(app, [*args, *options], env={**NO_MODEL_ENV, **(env or {})})


def normalized(out: Path) -> dict[str, Any]:
    """report.json without what changes from run to run: the run id, the output folder's path and the
    checkout's path (evidence sources are absolute)."""
    text = (out / "report.json").read_text().replace(str(out), "<out>").replace(str(ROOT), "<root>")
    report: dict[str, Any] = json.loads(text)
    report.pop("run_id", None)
    return report


def rerecord() -> None:
    """Record a fresh run against the judging fake, then replay it and keep its report as the expected one."""
    import os

    from tests.fakes.judging_model import judging_api

    os.chdir(ROOT)
    for step_folder in Path(RECORDING).glob("*/"):
        shutil.rmtree(step_folder)  # the recorded turns, not the README beside them
    api = judging_api().start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            env = {"ANTHROPIC_API_KEY": "sk-ant-fake-0000", "ANTHROPIC_BASE_URL": api.base_url}
            recorded = run_cli(Path(tmp) / "record", "--record", RECORDING, env=env)
            if recorded.exit_code != EXIT_CODES["projected"]:
                raise SystemExit(f"recording failed ({recorded.exit_code}): {recorded.output}")
            replayed = run_cli(Path(tmp) / "replay", "--replay", RECORDING)
            if replayed.exit_code != EXIT_CODES["projected"]:
                raise SystemExit(f"replay failed ({replayed.exit_code}): {replayed.output}")
            report = normalized(Path(tmp) / "replay")
    finally:
        api.close()
    EXPECTED.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    for step in report["steps"]:
        print(
            f"{step['name']}: {step['tokens_used']}/{step['token_budget']} tokens, planner {step['planner']}"
        )


if __name__ == "__main__":
    rerecord()
