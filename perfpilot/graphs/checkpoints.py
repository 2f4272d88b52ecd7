"""Checkpointers for the workflow graph: a serializer reviving only the state's models, secrets masked."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

from perfpilot.artifacts import BottleneckInventory, ImplementationPlan, RootCauseReport, ValidationReport
from perfpilot.artifacts.report import StepRecord
from perfpilot.redaction import redact, redact_obj

STATE_MODELS = (BottleneckInventory, RootCauseReport, ImplementationPlan, ValidationReport, StepRecord)
CHECKPOINT_FILE = "checkpoints.sqlite"


class CheckpointerError(Exception):
    """A --checkpointer value that cannot be used (unknown scheme, missing package, unreachable)."""


def _masked(obj: Any) -> Any:
    """obj with every secret-looking string masked; pydantic models stay models of the same class."""
    if isinstance(obj, str):
        return redact(obj)
    if isinstance(obj, BaseModel):
        return type(obj).model_validate(redact_obj(obj))
    if isinstance(obj, dict):
        return {key: _masked(value) for key, value in obj.items()}
    if isinstance(obj, list):
        return [_masked(item) for item in obj]
    if isinstance(obj, tuple) and not hasattr(obj, "_fields"):
        return tuple(_masked(item) for item in obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):  # e.g. a pending Interrupt's question
        values = {f.name: _masked(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.init}
        return dataclasses.replace(obj, **values)
    return obj


class RedactingSerializer:
    """The state's serializer, masking secrets before anything is written to a checkpoint store."""

    def __init__(self) -> None:
        self.inner = JsonPlusSerializer(
            allowed_msgpack_modules=[(m.__module__, m.__name__) for m in STATE_MODELS]
        )

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        return self.inner.dumps_typed(_masked(obj))

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        return self.inner.loads_typed(data)


def serializer() -> RedactingSerializer:
    """A serializer allowed to revive the state's models and nothing else of ours; secrets never stored."""
    return RedactingSerializer()


def memory_checkpointer() -> InMemorySaver:
    """An in-process checkpointer (one run, one process) with the state's serializer."""
    return InMemorySaver(serde=serializer())


@contextmanager
def open_checkpointer(out: Path, url: str | None = None) -> Iterator[BaseCheckpointSaver[Any]]:
    """The run's durable checkpointer: a SQLite file in the output folder, or PostgreSQL when url says so."""
    if url is None or url.startswith("sqlite"):
        yield from _sqlite(Path(url.split("://", 1)[1]) if url and "://" in url else out / CHECKPOINT_FILE)
    elif url.startswith(("postgresql://", "postgres://")):
        yield from _postgres(url)
    else:
        raise CheckpointerError(f"--checkpointer {redact(url)!r}: use postgresql://... or sqlite:///path")


def _sqlite(path: Path) -> Iterator[BaseCheckpointSaver[Any]]:
    from langgraph.checkpoint.sqlite import SqliteSaver

    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False)
    try:
        saver = SqliteSaver(conn, serde=serializer())
        saver.setup()
        yield saver
    finally:
        conn.close()


def _postgres(url: str) -> Iterator[BaseCheckpointSaver[Any]]:
    try:
        from langgraph.checkpoint.postgres import PostgresSaver
        from psycopg import Connection
        from psycopg.rows import dict_row
    except ImportError:
        raise CheckpointerError(
            "--checkpointer postgresql://...: install langgraph-checkpoint-postgres "
            "(pip install 'perfpilot[postgres]')"
        ) from None
    try:
        conn = Connection.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    except Exception as exc:
        raise CheckpointerError(f"--checkpointer {redact(url)!r}: {redact(str(exc).strip())}") from None
    with conn:
        saver = PostgresSaver(conn, serde=serializer())
        saver.setup()
        yield saver
