"""The digest's records: one QueryShape per fingerprint, ranked by share of total time."""

from __future__ import annotations

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


class WorkloadDigest(BaseModel):
    """A digest of one workload source."""

    model_config = ConfigDict(extra="forbid")

    source: str
    format: str
    queries: list[QueryShape] = Field(default_factory=list)
    total_time_s: float = 0
    total_count: int = 0
    unparsed_lines: int = 0
