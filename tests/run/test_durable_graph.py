"""Durable runs in process: checkpoints on SQLite with no secret in them, an escalation answered later."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from perfpilot.artifacts import RootCauseReport
from perfpilot.graphs.checkpoints import CHECKPOINT_FILE, open_checkpointer
from perfpilot.run.graph_run import RunOptions, run_workflow
from perfpilot.skills.registry import default_registry
from tests import factories
from tests.graphs.scripted import ScriptedPlanner
from tests.graphs.test_orchestrator import _escalating, _evidence

PLANTED_PASSWORD = "Pl4ntedS3cretXyz"
PLANTED_TOKEN = "sk-ant-api03-PlantedTokenAbcdef0123456789"


def _run(out: Path, artifacts: dict[str, BaseModel], **fields: object):  # type: ignore[no-untyped-def]
    with open_checkpointer(out) as saver:
        options = RunOptions(
            workdir=out / "work",
            planner=ScriptedPlanner(artifacts),
            registry=default_registry(),
            checkpointer=saver,
            run_id="thread-1",
            **fields,  # type: ignore[arg-type]
        )
        return run_workflow(_evidence(), options)


def test_a_headless_escalation_is_answered_later_from_the_checkpoint(tmp_path: Path) -> None:
    first = _run(tmp_path, _escalating())
    assert first.status == "escalated" and first.decision_path == ["profiling", "analysis", "escalation"]

    later = _run(tmp_path, _escalating(), resume=True, answer="proceed")
    assert later.run_id == "thread-1"
    path = ["profiling", "analysis", "escalation", "optimization", "validation", "finish"]
    assert later.decision_path == path
    assert later.status == "targets_met" and later.tier == "T3"
    assert [s.name for s in later.steps] == ["profiling", "analysis", "optimization", "validation"]


def test_a_stop_answer_ends_the_thread_escalated(tmp_path: Path) -> None:
    _run(tmp_path, _escalating())
    later = _run(tmp_path, _escalating(), resume=True, answer="stop")
    assert later.status == "escalated" and later.decision_path == ["profiling", "analysis", "escalation"]


def test_resuming_a_finished_thread_repeats_nothing(tmp_path: Path) -> None:
    first = _run(tmp_path, _escalating(), ask=lambda q: "proceed")
    again = _run(tmp_path, _escalating(), resume=True)
    assert again.model_dump() == first.model_dump()


def test_no_secret_reaches_the_checkpoint_store(tmp_path: Path) -> None:
    leaky = factories.finding(
        "f-1",
        complexity="architecture_limitation",
        root_cause=f"connects with postgresql://app:{PLANTED_PASSWORD}@db:5432/shop using {PLANTED_TOKEN}",
    )
    artifacts = _escalating() | {"analysis": RootCauseReport(findings=[leaky])}
    report = _run(tmp_path, artifacts, ask=lambda q: "proceed")
    assert report.status == "targets_met"
    stored = b"".join(p.read_bytes() for p in tmp_path.glob(f"{CHECKPOINT_FILE}*"))
    assert b"postgresql://app:" in stored  # the finding itself was checkpointed ...
    assert PLANTED_PASSWORD.encode() not in stored  # ... with its secrets masked
    assert b"PlantedTokenAbcdef" not in stored


def test_a_postgresql_checkpointer_resumes_an_escalation_with_no_secret_stored(
    tmp_path: Path, pg_dsn: str
) -> None:
    import uuid

    import psycopg

    pytest.importorskip("langgraph.checkpoint.postgres")
    url = pg_dsn.rsplit("/", 1)[0] + "/integrations_ckpt"
    with psycopg.connect(pg_dsn, autocommit=True) as admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'integrations_ckpt'").fetchone():
            admin.execute("CREATE DATABASE integrations_ckpt")
    thread = f"pg-{uuid.uuid4().hex[:8]}"
    leaky = factories.finding(
        "f-1", complexity="architecture_limitation", root_cause=f"password={PLANTED_PASSWORD} in the DSN"
    )
    artifacts = _escalating() | {"analysis": RootCauseReport(findings=[leaky])}

    def run(**fields: object):  # type: ignore[no-untyped-def]
        with open_checkpointer(tmp_path, url) as saver:
            options = RunOptions(
                workdir=tmp_path / "work",
                planner=ScriptedPlanner(artifacts),
                registry=default_registry(),
                checkpointer=saver,
                run_id=thread,
                **fields,  # type: ignore[arg-type]
            )
            return run_workflow(_evidence(), options)

    assert run().status == "escalated"
    assert run(resume=True, answer="proceed").status == "targets_met"
    assert not list(tmp_path.glob(f"{CHECKPOINT_FILE}*"))  # nothing written beside the report
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.checkpoint::text, coalesce(string_agg(encode(b.blob, 'escape'), ''), '') "
            "FROM checkpoints c LEFT JOIN checkpoint_blobs b USING (thread_id) WHERE c.thread_id = %s "
            "GROUP BY c.checkpoint",
            (thread,),
        ).fetchall()
        writes = conn.execute(
            "SELECT string_agg(encode(blob, 'escape'), '') FROM checkpoint_writes WHERE thread_id = %s",
            (thread,),
        ).fetchone()
    stored = "".join(a + b for a, b in rows) + (writes[0] if writes and writes[0] else "")
    assert "password=" in stored and PLANTED_PASSWORD not in stored
