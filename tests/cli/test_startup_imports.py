"""Fast start: `--help` and `version` load neither the workflow, the tokenizer nor the logging stack; an
offline run loads no live-service module (psycopg, the sandbox) and no parser of evidence it lacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "recorded" / "target.yaml"
LIVE_ONLY = (
    "psycopg",
    "perfpilot.live.pg_live",
    "perfpilot.live.pg_sandbox",
    "perfpilot.live.session",
    "perfpilot.live.service",
    "google.protobuf",  # pprof profiles only; the example has none
)
HEAVY = (
    "langgraph",
    "langsmith",
    "tiktoken",
    "structlog",
    "rich",  # help is click's plain layout (rich_markup_mode=None)
    "anthropic",
    "httpx",
    "psycopg",
    "sqlglot",
    "jinja2",
    "yaml",
    "perfpilot.workload.models",
    "perfpilot.redaction",
)


def modules_after(code: str, exit_code: int = 0) -> set[str]:
    """The modules a fresh interpreter holds after running `code` (a new process: nothing preloaded), which
    ends with exit_code."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {key: value for key, value in os.environ.items() if key != "ANTHROPIC_API_KEY"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == exit_code, done.stderr[-2000:]
    return set(json.loads(done.stdout.splitlines()[-1]))


def run_cli(*args: str) -> str:
    """Code running the entry point that prints the modules loaded when the process ends (the entry point
    may end it at once, after the atexit handlers: perfpilot.cli.process_end)."""
    return (
        "import atexit, json, sys\nfrom perfpilot.cli.app import main\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules))))\n"
        f"sys.argv = ['perfpilot', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


def test_version_and_help_load_nothing_heavy() -> None:
    for args in (("version",), ("--help",)):
        loaded = modules_after(run_cli(*args))
        assert "perfpilot.cli.app" in loaded
        assert not {name for name in HEAVY if name in loaded}, args


def test_importing_the_budget_does_not_load_the_tokenizer() -> None:
    loaded = modules_after(
        "import perfpilot.agents.budget\n"
        "from perfpilot.agents.tokens import _encoding\n"
        "assert _encoding.cache_info().currsize == 0, 'the encoding was loaded at import'"
    )
    assert "perfpilot.agents.budget" in loaded and "tiktoken" not in loaded


def test_an_offline_run_loads_no_live_module(tmp_path: Path) -> None:
    loaded = modules_after(
        run_cli("run", str(EXAMPLE), "--out", str(tmp_path / "out"), "--headless", "--log-level", "warning"),
        exit_code=4,  # the example's run ends `projected`
    )
    assert "perfpilot.run.request" in loaded and "langgraph" in loaded  # the run did happen
    assert (tmp_path / "out" / "report.json").is_file()
    assert not {name for name in LIVE_ONLY if name in loaded}
