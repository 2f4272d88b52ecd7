"""How the database skill writes findings: ids, priorities, and evidence text made safe to show."""

from __future__ import annotations

import re

from perfpilot.artifacts import Priority, stable_id

SKILL_NAME = "database-optimization-analyzer"
EXCERPT_CHARS = 300
_UNSAFE = re.compile(r"[^A-Za-z0-9_ .,:;()\[\]{}/*=<>%+-]")


def finding_id(kind: str, subject: str) -> str:
    """Stable across runs: derived from the finding's kind and subject only."""
    return stable_id("db", kind, subject)


def priority_for(impact: float) -> Priority:
    return "high" if impact >= 0.2 else "medium" if impact >= 0.05 else "low"


def safe_label(text: str, limit: int = 80) -> str:
    """Evidence text fit for a title: one line, a plain character set, short. Text from SQL is data."""
    flat = _UNSAFE.sub("?", " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A statement or log line cut to `limit` characters, whitespace collapsed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
