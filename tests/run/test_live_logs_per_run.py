"""A live run's service logs are its own: a second run into the same --out never reads the first's lines,
and a resumed run (the same thread id) reads its own again."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import structlog

from perfpilot.live.session import LiveSession
from perfpilot.target.spec import Target


def _workload(tmp_path: Path, run_id: str) -> Path:
    spec = Target.model_validate(
        {
            "name": "t",
            "evidence": {
                "http": {"base_url": "http://127.0.0.1:18698", "endpoints": [{"name": "x", "path": "/x"}]},
                "service": {"command": ["{python}", "serve.py", "{query_log}"], "ready_path": "/"},
                "database": {"dsn": f"sqlite:{tmp_path / 'app.db'}", "dialect": "sqlite"},
            },
        }
    )
    options = SimpleNamespace(workdir=tmp_path / "work", run_id=run_id, apply="none")
    session = LiveSession(spec, options, structlog.get_logger("test"))
    argv = session._argv(tmp_path / "app.db")  # the command the service is started with
    [source] = session.live_target().evidence.workload
    assert str(source.path) in argv
    return source.path


def test_each_run_logs_to_its_own_folder_and_a_resumed_run_to_the_same(tmp_path: Path) -> None:
    first = _workload(tmp_path, "run-a")
    first.parent.mkdir(parents=True)
    first.write_text('{"ts": "2026-12-07T09:45:01+00:00", "sql": "SELECT 1"}\n')
    second = _workload(tmp_path, "run-b")
    assert second == tmp_path / "work" / "live" / "run-b" / "queries-1.jsonl"
    assert not second.exists()
    assert _workload(tmp_path, "run-a") == first
