"""Thread records: what a durable run was asked to do, kept beside its checkpoints so it can be resumed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

THREADS_DIR = "threads"


class ThreadNotFound(Exception):
    """No thread of that id in the output folder."""


class ThreadRecord(BaseModel):
    """A run's request without its callbacks (and without secrets: paths, names and flags only)."""

    thread_id: str
    target: str
    planner_name: str = "offline"
    model: str | None = None
    replay: str | None = None
    strict: bool = False
    live: bool = False
    apply: str = "none"
    keep_sandbox: bool = False
    warmup_s: float = 5.0
    load_test_duration_s: float | None = None
    load_test_rate_rps: float | None = None
    budgets: dict[str, int] = {}
    formats: list[str] = ["json", "md", "sarif"]
    checkpointer: str = "sqlite"
    created_at: str = ""
    status: str = "started"  # "started" after its process died: resume it
    question: str | None = None


def new_thread_id() -> str:
    """A fresh thread id (also the run id of the run's report)."""
    return uuid.uuid4().hex[:12]


def thread_record_path(out: Path, thread_id: str) -> Path:
    """Where the record of thread_id lives in out; ThreadNotFound when the id is not a thread id."""
    if not thread_id or not thread_id.replace("-", "").isalnum():
        raise ThreadNotFound(f"{thread_id!r} is not a thread id")
    return out / THREADS_DIR / f"{thread_id}.json"


def save_thread(out: Path, record: ThreadRecord) -> Path:
    """Write (or rewrite) the record under out/threads/."""
    if not record.created_at:
        record = record.model_copy(update={"created_at": datetime.now(UTC).isoformat(timespec="seconds")})
    path = thread_record_path(out, record.thread_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return path


def load_thread(out: Path, thread_id: str) -> ThreadRecord:
    """The record of thread_id in out; ThreadNotFound names the folder looked in."""
    path = thread_record_path(out, thread_id)
    if not path.is_file():
        raise ThreadNotFound(f"no thread {thread_id!r} in {out / THREADS_DIR}")
    try:
        return ThreadRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise ThreadNotFound(f"{path}: not a thread record ({exc.errors()[0]['msg']})") from None


def list_threads(out: Path) -> list[ThreadRecord]:
    """Every readable thread record in out, oldest first."""
    records = []
    for path in sorted((out / THREADS_DIR).glob("*.json")):
        try:
            records.append(ThreadRecord.model_validate_json(path.read_text(encoding="utf-8")))
        except ValidationError:
            continue
    return sorted(records, key=lambda r: r.created_at)
