"""`make demo DB=postgres`: build the shop in PostgreSQL; checksum the original around the run, leftovers."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path
from typing import Any

from perfpilot.cli.demo_target import LOCAL_CLUSTER_PASSWORD
from perfpilot.live.pg_checksum import DatabaseChecksum, database_checksum
from perfpilot.live.pg_sandbox import SANDBOX_MARK, connect_admin, database_name


def use_local_password(dsn: str) -> None:
    """The local test cluster's password for libpq (PGPASSWORD) when neither the DSN nor the environment
    gives one: it stays out of the service's command line and the target file."""
    from psycopg.conninfo import conninfo_to_dict

    if "password" not in conninfo_to_dict(dsn) and not os.environ.get("PGPASSWORD"):
        os.environ["PGPASSWORD"] = LOCAL_CLUSTER_PASSWORD


def build_postgres(shop: Path, dsn: str) -> None:
    """Create and load the shop database when missing (same rows as the SQLite build)."""
    sys.path.insert(0, str(shop))
    generator = importlib.import_module("shop.pg_generator")
    started = time.perf_counter()
    generator.ensure_postgres(dsn)
    print(
        f"demo: PostgreSQL database {database_name(dsn)} ready ({time.perf_counter() - started:.1f} s)",
        file=sys.stderr,
    )


def checksum(dsn: str) -> DatabaseChecksum:
    from perfpilot.skills.database_optimization.api import open_postgres_readonly

    with open_postgres_readonly(dsn) as conn:
        return database_checksum(conn)


def leftover_sandboxes(dsn: str) -> list[str]:
    """Sandbox databases of this original still on the server."""
    prefix = database_name(dsn)[: 63 - len(SANDBOX_MARK) - 8] + SANDBOX_MARK
    with connect_admin(dsn) as admin:
        rows: list[Any] = admin.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
    return [str(r[0]) for r in rows]


def reason(exc: BaseException) -> str:
    """The first line of a connection error, without any secret."""
    from perfpilot.skills.database_optimization.api import redact_dsn

    text = str(exc).strip()
    return redact_dsn(text.splitlines()[0]) if text else type(exc).__name__
