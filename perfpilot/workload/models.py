"""The digest's records: one QueryShape per fingerprint, ranked by share of total time."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class QueryShape(BaseModel):
    """Aggregate figures for one query fingerprint."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Stable id derived from the fingerprint.")
    fingerprint: str
    example: str = Field(description="One real statement of this shape (literals intact, secrets redacted).")
    count: int
    total_time_s: float
    mean_time_s: float
    p95_time_s: float
    max_time_s: float
    share: float = Field(default=0, ge=0, le=1, description="Share of the workload's total time.")
    rows_examined: int | None = None
    rows_sent: int | None = None
    first_seen: str | None = None
    last_seen: str | None = None
    tables: list[str] = Field(default_factory=list)


class StreamStatement(BaseModel):
    """One statement of a stream: its shape, time, and where the log has it."""

    model_config = ConfigDict(extra="forbid")

    shape_id: str
    duration_s: float = 0
    line: int | None = None
    at: float | None = Field(default=None, description="Unix seconds, when the log says.")
    application: str | None = None


class StatementStream(BaseModel):
    """The statements of one request, session or connection, in log order (for N+1 detection)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(description="The request, trace, session or connection id the log groups them by.")
    request: bool = Field(description="True when the log says the key is one request (request or trace id).")
    statements: list[StreamStatement] = Field(default_factory=list)


class LoggedPlan(BaseModel):
    """A plan auto_explain wrote into a PostgreSQL server log (`duration: X ms  plan:` and its lines)."""

    model_config = ConfigDict(extra="forbid")

    line: int = Field(description="The log line of the `duration: ... plan:` message.")
    duration_s: float
    format: Literal["json", "text"]
    text: str = Field(description="The plan as logged: a JSON document, or text plan lines (no Query Text).")
    statement: str | None = Field(default=None, description="The Query Text auto_explain logged (redacted).")


class LockWaits(BaseModel):
    """Lock waits a server log recorded on one relation (or one kind of lock), summed over the log.
    Only waits past the server's deadlock_timeout are logged: the figures are a floor."""

    model_config = ConfigDict(extra="forbid")

    subject: str = Field(description="The relation waited on, else the lock mode and object kind.")
    relation: str | None = None
    locks: list[str] = Field(
        default_factory=list, description="Lock modes and object kinds, e.g. ShareLock on transaction."
    )
    waits: int
    total_wait_s: float
    max_wait_s: float
    max_queue: int = Field(default=0, description="Most backends in one wait queue (DETAIL: Wait queue).")
    deadlocks: int = 0
    statement: str | None = Field(default=None, description="A waiting statement (redacted).")
    first_line: int


class TempFiles(BaseModel):
    """Temporary files one statement shape wrote, summed over a source: as a server log recorded them
    (`log_temp_files`; files under its threshold are not logged, so a floor), or as pg_stat_statements
    counted them (temp_blks_written, in PostgreSQL's default 8 kB blocks, over the statement's calls)."""

    model_config = ConfigDict(extra="forbid")

    fingerprint: str | None = Field(default=None, description="The statement's shape; None: none logged.")
    statement: str | None = Field(default=None, description="The statement that wrote them (redacted).")
    files: int | None = Field(default=None, description="Files a log recorded (None: pg_stat_statements).")
    calls: int | None = Field(default=None, description="pg_stat_statements: calls that wrote the blocks.")
    total_bytes: int
    spill_bytes: int = Field(
        description="What one spill wrote: a log's largest execution (its files summed), or "
        "pg_stat_statements' mean per call."
    )
    first_line: int


class WorkloadDigest(BaseModel):
    """A digest of one workload source."""

    model_config = ConfigDict(extra="forbid")

    source: str
    format: str
    queries: list[QueryShape] = Field(default_factory=list)
    total_time_s: float = 0
    total_count: int = 0
    unparsed_lines: int = 0
    streams: list[StatementStream] = Field(
        default_factory=list, exclude=True, description="Session-tagged statements in order, up to a bound."
    )
    streams_truncated: bool = Field(default=False, exclude=True, description="The bound was reached.")
    plans: list[LoggedPlan] = Field(
        default_factory=list, exclude=True, description="auto_explain plans in the log, the slowest first."
    )
    lock_waits: list[LockWaits] = Field(
        default_factory=list, exclude=True, description="Logged lock waits per relation, the longest first."
    )
    temp_files: list[TempFiles] = Field(
        default_factory=list, exclude=True,
        description="Logged temporary files per statement, the most bytes first.",
    )
