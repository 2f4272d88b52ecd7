"""The apply ledger: a run killed in the middle of its apply, resumed, applies each change exactly once."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import structlog

from perfpilot.artifacts import Change, ImplementationPlan
from perfpilot.live.apply import apply_ddl, created_index
from perfpilot.live.ledger import ChangeApplied, RunLedger, SandboxMade, ServiceStarted
from perfpilot.live.session import LiveSession
from perfpilot.target.spec import Target

INDEXES = {"chg-a": "idx_t_a", "chg-b": "idx_t_b", "chg-c": "idx_t_c"}


def _plan() -> ImplementationPlan:
    changes = [
        Change(
            id=cid, finding_id="f-1", group="database", kind="ddl", title=f"index {name}",
            content=f"CREATE INDEX CONCURRENTLY {name} ON t ({name[-1]});", rollback=f"DROP INDEX {name};",
            effort_days=0.1, auto_applicable=True,
        )
        for cid, name in INDEXES.items()
    ]  # fmt: skip
    return ImplementationPlan(changes=changes, deployment_sequence=list(INDEXES))


class RecordingService:
    """Stands in for the service process: remembers what it was restarted on."""

    def __init__(self) -> None:
        self.restarts: list[list[str]] = []

    def restart(self, argv: list[str], env: dict[str, str] | None = None) -> None:
        self.restarts.append(argv)


def _session(tmp_path: Path, db: Path) -> tuple[LiveSession, RecordingService]:
    spec = Target.model_validate(
        {
            "name": "t",
            "architecture": "one table",
            "evidence": {
                "http": {"base_url": "http://127.0.0.1:18699", "endpoints": [{"name": "x", "path": "/x"}]},
                "service": {"command": ["{python}", "-c", "{db}"], "ready_path": "/"},
                "database": {"dsn": f"sqlite:{db}", "dialect": "sqlite"},
            },
        }
    )
    options = SimpleNamespace(workdir=tmp_path / "work", run_id="thread-1", apply="sandbox")
    session = LiveSession(spec, options, structlog.get_logger("test"))
    service = RecordingService()
    session.service = service  # type: ignore[assignment]
    return session, service


def _indexes(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name").fetchall()
    return [name for (name,) in rows]


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (a INTEGER, b INTEGER, c INTEGER)")
        conn.executemany("INSERT INTO t VALUES (?, ?, ?)", [(i, i % 7, i % 3) for i in range(100)])
    return db


def test_a_resumed_apply_skips_what_the_ledger_and_the_database_say_is_done(tmp_path: Path) -> None:
    db = _database(tmp_path)
    first, _ = _session(tmp_path, db)
    sandbox = first._sandbox()
    plan = _plan()
    # the killed run: chg-a applied and recorded; chg-b committed but killed before its ledger line
    apply_ddl(sandbox, plan.changes[:1], on_applied=lambda cid: first.ledger.add(
        ChangeApplied(change=cid, database=str(sandbox), where=f"sandbox copy {sandbox}")))  # fmt: skip
    apply_ddl(sandbox, plan.changes[1:2])
    assert _indexes(sandbox) == ["idx_t_a", "idx_t_b"]

    resumed, service = _session(tmp_path, db)
    applied = resumed.apply(plan)

    assert applied == [f"{cid} (sandbox copy {sandbox})" for cid in INDEXES]
    assert _indexes(sandbox) == ["idx_t_a", "idx_t_b", "idx_t_c"]
    recorded = [e.change for e in resumed.ledger.entries() if isinstance(e, ChangeApplied)]
    assert recorded == ["chg-a", "chg-b", "chg-c"]
    assert [e.database for e in resumed.ledger.entries() if isinstance(e, SandboxMade)] == [str(sandbox)]
    assert service.restarts and str(sandbox) in service.restarts[-1]
    assert _indexes(db) == []  # the original is only read

    again = resumed.apply(plan)  # a third process resuming at the apply node again changes nothing
    assert again == applied and _indexes(sandbox) == ["idx_t_a", "idx_t_b", "idx_t_c"]
    assert [e.change for e in resumed.ledger.entries() if isinstance(e, ChangeApplied)] == recorded
    shutil.rmtree(sandbox.parent)


def test_a_torn_last_line_is_a_fact_not_recorded(tmp_path: Path) -> None:
    ledger = RunLedger(tmp_path, "thread-1")
    ledger.add(SandboxMade(database=str(tmp_path)))
    with ledger.path.open("a", encoding="utf-8") as out:
        out.write('{"kind": "applied", "change": "chg-')
    assert ledger.entries() == [SandboxMade(database=str(tmp_path))]


def test_only_the_recorded_service_command_is_stopped(tmp_path: Path) -> None:
    import subprocess
    import sys

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    try:
        ledger = RunLedger(tmp_path, "thread-1")
        ledger.add(ServiceStarted(pid=sleeper.pid, argv=[sys.executable, "-c", "something else"]))
        ledger.stop_left_service(structlog.get_logger("test"))
        assert sleeper.poll() is None  # same pid, another command: not ours to stop
        ledger.add(ServiceStarted(pid=sleeper.pid, argv=list(map(str, sleeper.args))))  # type: ignore[arg-type]
        ledger.stop_left_service(structlog.get_logger("test"))
        assert sleeper.wait(timeout=30) == -9
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
            sleeper.wait()


def test_created_index_names_only_index_statements() -> None:
    assert created_index("CREATE INDEX IF NOT EXISTS ix_a ON t (a)") == "ix_a"
    assert created_index("CREATE UNIQUE INDEX ux ON t (a, b)") == "ux"
    assert created_index("ALTER TABLE t ADD COLUMN d INTEGER") is None
    assert created_index("CREATE TABLE u (a INTEGER)") is None
