"""Vocabulary shared by every artifact: layers, priorities, evidence references and stable ids."""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Layer = Literal["database", "cache", "application", "infrastructure", "container", "edge", "external"]
Priority = Literal["high", "medium", "low"]

LAYERS: tuple[Layer, ...] = (
    "database",
    "cache",
    "application",
    "infrastructure",
    "container",
    "edge",
    "external",
)


class Artifact(BaseModel):
    """Base for artifacts: strict about unknown fields so contracts cannot drift silently."""

    model_config = ConfigDict(extra="forbid")


class EvidenceRef(Artifact):
    """Where a number came from: a source file (and line), or a live connector, with a short excerpt."""

    source: str = Field(description="File path relative to the target, or a connector name such as 'k6'.")
    line: int | None = None
    excerpt: str = Field(default="", max_length=2000)
    values: dict[str, float] = Field(default_factory=dict, description="The measured figures cited.")


def stable_id(prefix: str, *parts: object) -> str:
    """A short id derived only from content, so the same evidence gives the same id on every run."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:10]
    return f"{prefix}-{digest}"
