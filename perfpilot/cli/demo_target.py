"""The demo's target: the shop's target.yaml with the chosen port and database (SQLite or PostgreSQL)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

DEFAULT_PORT = 8765
DEFAULT_PG_DSN = "postgresql://perfpilot@127.0.0.1:5432/perfpilot_shop"
LOCAL_CLUSTER_PASSWORD = "perfpilot"  # scripts/postgres-up.sh's role, for the local test cluster only


def choose(argument: Any, variable: str, default: Any) -> Any:
    """Explicit argument > environment > default (read once, here at the edge)."""
    if argument is not None:
        return argument
    return os.environ.get(variable) or default


def _with_port(url: str, port: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port}"))


def demo_target(base: Path, *, port: int, pg_dsn: str | None) -> dict[str, Any]:
    """The target as a mapping, moved to `port` and, with `pg_dsn`, onto that PostgreSQL database."""
    spec: dict[str, Any] = yaml.safe_load(base.read_text(encoding="utf-8"))
    evidence = spec["evidence"]
    spec["architecture"] = spec["architecture"].replace(f"127.0.0.1:{DEFAULT_PORT}", f"127.0.0.1:{port}")
    evidence["http"]["base_url"] = _with_port(evidence["http"]["base_url"], port)
    for source in evidence.get("metrics", []):
        if "url" in source:
            source["url"] = _with_port(source["url"], port)
    if pg_dsn is not None:
        evidence["database"] = {"dsn": pg_dsn, "dialect": "postgres"}
        for source in evidence.get("workload", []):
            source["dialect"] = "postgres"
        spec["architecture"] = spec["architecture"].replace(
            "a read-only SQLite file (data/shop.db, ", "a PostgreSQL 15 database (read-only sessions; "
        )
    return spec


def write_demo_target(base: Path, *, port: int, pg_dsn: str | None) -> Path:
    """Write it beside the original (relative paths resolve against that folder); the caller removes it."""
    path = base.with_name(f".demo-target-{os.getpid()}.yaml")
    path.write_text(
        yaml.safe_dump(demo_target(base, port=port, pg_dsn=pg_dsn), sort_keys=False), encoding="utf-8"
    )
    return path
