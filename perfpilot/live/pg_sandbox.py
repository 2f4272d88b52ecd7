"""Sandbox databases on PostgreSQL: a TEMPLATE copy when no one else is connected, else pg_dump/pg_restore."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import structlog
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from perfpilot.skills.database_optimization.api import redact_dsn

SESSIONS_SETTLE_S = 5.0
MAX_COPY_BYTES = 2 * 1024**3  # a dump/restore copy of a larger database is refused (template copies are not)
NAME_LIMIT = 63  # PostgreSQL's identifier length (NAMEDATALEN - 1)
SANDBOX_MARK = "_sbx_"
CONNECT_TIMEOUT_S = 5
DUMP_TIMEOUT_S = 1800

EXTENSION_ENTRY = re.compile(r"^\d+; \d+ \d+ EXTENSION - (?P<name>\S+)")  # a line of pg_restore --list

log = structlog.get_logger("perfpilot.live.pg_sandbox")


class SandboxRefused(Exception):
    """A sandbox database cannot or may not be made; the message says why and what would allow it."""


@dataclass(frozen=True)
class SandboxDatabase:
    """A database perfpilot made (or was given) to apply a plan to, never the original."""

    name: str
    dsn: str
    method: Literal["template", "dump-restore", "provided"]
    created: bool  # False for a provided sandbox: perfpilot never drops what it did not create


def database_name(dsn: str) -> str:
    """The database a DSN names (libpq's dbname; URL or key=value)."""
    name = conninfo_to_dict(dsn).get("dbname")
    if not name:
        raise SandboxRefused(f"{redact_dsn(dsn)} names no database (dbname)")
    return str(name)


def with_database(dsn: str, name: str) -> str:
    """The same server, role and options, connected to another database."""
    return make_conninfo(dsn, dbname=name)


def sandbox_name(original: str) -> str:
    """`<original>_sbx_<8 hex>`, shortened to PostgreSQL's identifier limit: it says whose copy it is."""
    suffix = f"{SANDBOX_MARK}{secrets.token_hex(4)}"
    return original[: NAME_LIMIT - len(suffix)] + suffix


def connect_admin(dsn: str) -> Any:
    """An autocommit connection to the server's maintenance database (never to the original: a session on
    it would make it a busy template)."""
    import psycopg

    last: Exception | None = None
    for maintenance in ("postgres", "template1"):
        try:
            return psycopg.connect(
                with_database(dsn, maintenance),
                autocommit=True,
                connect_timeout=CONNECT_TIMEOUT_S,
                application_name="perfpilot-sandbox",
            )
        except psycopg.Error as exc:
            last = exc
    raise SandboxRefused(f"cannot connect to the server of {redact_dsn(dsn)}: {_first_line(last)}")


def creation_refusal(admin: Any) -> str | None:
    """Why the connected role may not create a sandbox database, or None when it may (CREATEDB/superuser)."""
    row = admin.execute(
        "SELECT current_user, rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user"
    ).fetchone()
    if row is None or not row[1]:
        role = row[0] if row else "this role"
        return (
            f"--apply sandbox on PostgreSQL creates a sandbox database, but role {role!r} lacks CREATEDB: "
            f"grant it (ALTER ROLE {role} CREATEDB) or pass --sandbox-dsn with an empty database to use"
        )
    return None


def other_sessions(admin: Any, database: str) -> int:
    """Sessions connected to `database` other than ours (a TEMPLATE copy needs none). Autovacuum workers
    do not count: CREATE DATABASE ends them itself."""
    row = admin.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid() "
        "AND backend_type IS DISTINCT FROM 'autovacuum worker'",  # NULL: others', unprivileged
        (database,),
    ).fetchone()
    return int(row[0])


def settled_sessions(admin: Any, database: str, wait_s: float = SESSIONS_SETTLE_S) -> int:
    """Other sessions on `database` once those that are ending have gone: a backend whose client just
    disconnected stays in pg_stat_activity until it has exited. PostgreSQL's own CREATE DATABASE waits
    the same 5 seconds for other backends of its template to exit before refusing."""
    deadline = time.monotonic() + wait_s
    while (busy := other_sessions(admin, database)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return busy


def database_bytes(admin: Any, database: str) -> int:
    row = admin.execute("SELECT pg_database_size(%s)", (database,)).fetchone()
    return int(row[0])


def create_sandbox(dsn: str, *, max_copy_bytes: int = MAX_COPY_BYTES) -> SandboxDatabase:
    """A new sandbox database holding the original's schema and data; the original is only read."""
    import psycopg

    original = database_name(dsn)
    name = sandbox_name(original)
    with connect_admin(dsn) as admin:
        if (refusal := creation_refusal(admin)) is not None:
            raise SandboxRefused(refusal)
        busy = settled_sessions(admin, original)
        if busy == 0:
            try:
                admin.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(name), sql.Identifier(original)
                    )
                )
                log.info("sandbox.created", database=name, method="template", original=original)
                return SandboxDatabase(
                    name=name, dsn=with_database(dsn, name), method="template", created=True
                )
            except (psycopg.errors.ObjectInUse, psycopg.errors.InsufficientPrivilege) as exc:
                log.info("sandbox.template_refused", reason=_first_line(exc))
        else:
            log.info("sandbox.template_busy", sessions=busy, original=original)
        size = database_bytes(admin, original)
        if size > max_copy_bytes:
            raise SandboxRefused(
                f"database {original!r} is {size / 1024**2:,.0f} MiB, above the "
                f"{max_copy_bytes / 1024**2:,.0f} MiB limit for a pg_dump/pg_restore copy ({busy} other "
                "session(s) keep it from serving as a template): close them, or pass --sandbox-dsn with an "
                "empty database of your own to restore into"
            )
        admin.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(name)))
    sandbox = SandboxDatabase(name=name, dsn=with_database(dsn, name), method="dump-restore", created=True)
    try:
        copy_by_dump(dsn, sandbox.dsn)
    except Exception:
        drop_sandbox(sandbox)
        raise
    log.info("sandbox.created", database=name, method="dump-restore", original=original, bytes=size)
    return sandbox


def provided_sandbox(original_dsn: str, sandbox_dsn: str) -> SandboxDatabase:
    """A sandbox database the user made (empty, or already a copy): filled by dump/restore when empty."""
    import psycopg

    name = database_name(sandbox_dsn)
    if name == database_name(original_dsn) and _same_server(original_dsn, sandbox_dsn):
        raise SandboxRefused("--sandbox-dsn names the original database: give a separate, empty database")
    try:
        with psycopg.connect(sandbox_dsn, connect_timeout=CONNECT_TIMEOUT_S) as conn:
            tables = conn.execute(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            ).fetchone()
    except psycopg.Error as exc:
        raise SandboxRefused(f"--sandbox-dsn: cannot connect: {_first_line(exc)}") from None
    if tables is not None and int(tables[0]) > 0:
        raise SandboxRefused(f"--sandbox-dsn: database {name!r} already holds tables: give an empty database")
    copy_by_dump(original_dsn, sandbox_dsn)
    return SandboxDatabase(name=name, dsn=sandbox_dsn, method="provided", created=False)


def copy_by_dump(source_dsn: str, target_dsn: str) -> None:
    """pg_dump (custom format) of the source, restored into the target without owners or privileges.
    Extensions are taken out of the restore list and created one by one where the role may (HypoPG and
    pg_stat_statements need a superuser unless trusted): one it may not create is logged, not fatal."""
    with tempfile.TemporaryDirectory(prefix="perfpilot-dump-") as folder:
        dump, listing = Path(folder) / "original.dump", Path(folder) / "restore.list"
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"], source_dsn)
        contents = subprocess.run(
            ["pg_restore", "--list", str(dump)], capture_output=True, text=True, check=True, timeout=60
        ).stdout.splitlines()
        extensions = [m["name"] for line in contents if (m := EXTENSION_ENTRY.match(line))]
        listing.write_text("\n".join(line for line in contents if " EXTENSION " not in line) + "\n")
        _create_extensions(target_dsn, extensions)
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--use-list={listing}",
                str(dump),
            ],
            target_dsn,
        )


def _create_extensions(dsn: str, names: list[str]) -> None:
    import psycopg

    with psycopg.connect(dsn, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S) as conn:
        for name in names:
            try:
                conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(name)))
            except psycopg.Error as exc:
                log.info("sandbox.extension_skipped", extension=name, reason=_first_line(exc))


def _run(argv: list[str], dsn: str, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    """pg_dump / pg_restore with the DSN's password in PGPASSWORD (never on the command line)."""
    fields = conninfo_to_dict(dsn)
    password = fields.pop("password", None)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    database = make_conninfo("", **{k: v for k, v in fields.items() if v is not None})
    try:
        result = subprocess.run(
            [*argv[:1], f"--dbname={database}", *argv[1:]],
            env=env,
            capture_output=True,
            text=True,
            timeout=DUMP_TIMEOUT_S,
            check=False,
        )
    except FileNotFoundError:
        raise SandboxRefused(
            f"{argv[0]} not found: install the PostgreSQL client (postgresql-client)"
        ) from None
    except subprocess.TimeoutExpired:
        raise SandboxRefused(f"{argv[0]} did not finish in {DUMP_TIMEOUT_S} s") from None
    if check and result.returncode != 0:
        raise SandboxRefused(f"{argv[0]} failed: {redact_dsn(result.stderr.strip()[:300])}")
    return result


def drop_sandbox(sandbox: SandboxDatabase) -> None:
    """Drop a sandbox perfpilot created (its sessions are ended first: WITH (FORCE)); never another one."""
    if not sandbox.created or SANDBOX_MARK not in sandbox.name:
        return
    with connect_admin(sandbox.dsn) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(sandbox.name)))
    log.info("sandbox.dropped", database=sandbox.name)


def _same_server(a: str, b: str) -> bool:
    fa, fb = conninfo_to_dict(a), conninfo_to_dict(b)
    return (fa.get("host"), fa.get("port")) == (fb.get("host"), fb.get("port"))


def _first_line(exc: BaseException | None) -> str:
    text = str(exc or "").strip()
    return redact_dsn(text.splitlines()[0]) if text else type(exc).__name__
