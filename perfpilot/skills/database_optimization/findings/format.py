"""How the database skill writes findings: ids, the common fields, and evidence text made safe to show."""

from __future__ import annotations

import re
from typing import Any

from perfpilot.artifacts import Finding, stable_id

SKILL_NAME = "database-optimization-analyzer"
EXCERPT_CHARS = 300
_UNSAFE = re.compile(r"[^A-Za-z0-9_ .,:;()\[\]{}/*=<>%+-]")


def finding_id(kind: str, subject: str) -> str:
    """Stable across runs: derived from the finding's kind and subject only."""
    return stable_id("db", kind, subject)


def db_finding(kind: str, subject: str, **fields: Any) -> Finding:
    """A finding of this skill: its id from kind and subject, layer 'database' unless `fields` say."""
    fields.setdefault("layer", "database")
    return Finding(id=finding_id(kind, subject), skill=SKILL_NAME, kind=kind, subject=subject, **fields)


def safe_label(text: str, limit: int = 80) -> str:
    """Evidence text fit for a title: one line, a plain character set, short. Text from SQL is data."""
    flat = _UNSAFE.sub("?", " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A statement or log line cut to `limit` characters, whitespace collapsed."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
