"""Read-only database connections by construction: SQLite under an authorizer, PostgreSQL in READ ONLY."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import unquote, urlsplit

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    import psycopg

DsnDialect = Literal["postgres", "sqlite"]

APPLICATION_NAME = "perfpilot"
STATEMENT_TIMEOUT_MS = 30_000
LOCK_TIMEOUT_MS = 1_000



class DatabaseUnavailable(RuntimeError):
    """The database cannot be reached or opened; the message names it without any secret."""


class ParsedDsn(BaseModel):
    """What a DSN points at, without its secret."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dialect: DsnDialect
    host: str = ""
    port: int | None = None
    database: str = ""
    path: Path | None = None

    @property
    def label(self) -> str:
        """'sqlite:<path>' or 'postgresql:<host>/<db>', safe for logs and reports."""
        if self.dialect == "sqlite":
            return f"sqlite:{self.path}"
        return f"postgresql:{self.host or 'localhost'}/{self.database}"


def redact_dsn(dsn: str) -> str:
    """The DSN (or a driver's message naming it) with any password replaced by '***': URL userinfo and
    key=value forms, through perfpilot.redaction like every other text that leaves the process."""
    from perfpilot.redaction import redact

    return redact(dsn)


def parse_dsn(dsn: str) -> ParsedDsn:
    """Dialect and location of `sqlite:///path`, a bare SQLite file path, or `postgresql://...`."""
    text = dsn.strip()
    if text.startswith("sqlite:"):
        rest = text[len("sqlite:") :]
        if rest.startswith("//"):
            rest = rest[2:]
        if not rest:
            raise ValueError("sqlite DSN has no path: use sqlite:///path/to/file.db")
        return ParsedDsn(dialect="sqlite", path=Path(rest))
    if text.startswith(("postgresql://", "postgres://")):
        parts = urlsplit(text)
        return ParsedDsn(
            dialect="postgres",
            host=parts.hostname or "",
            port=parts.port,
            database=unquote(parts.path.lstrip("/")),
        )
    if "=" in text and ("dbname" in text or "host" in text):
        fields = dict(re.findall(r"(\w+)\s*=\s*('[^']*'|\S+)", text))
        port = fields.get("port")
        return ParsedDsn(
            dialect="postgres",
            host=fields.get("host", "").strip("'"),
            port=int(port) if port and port.isdigit() else None,
            database=fields.get("dbname", "").strip("'"),
        )
    if text.endswith((".db", ".sqlite", ".sqlite3")) or Path(text).is_file():
        return ParsedDsn(dialect="sqlite", path=Path(text))
    raise ValueError(f"unrecognised DSN {redact_dsn(text)!r}: use postgresql://... or sqlite:///path")


_READ_ACTIONS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
}


def _authorize_reads(action: int, arg1: str | None, arg2: str | None, *_: Any) -> int:
    """SQLite authorizer: reads and read-only pragmas pass; every write, ATTACH, DETACH, VACUUM is denied."""
    if action in _READ_ACTIONS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        # arg2 is the pragma's argument: a value means an assignment (a write), except for table lookups.
        if arg2 is None or (arg1 or "").lower() in {
            "table_info",
            "table_xinfo",
            "index_list",
            "index_info",
            "index_xinfo",
            "foreign_key_list",
        }:
            return sqlite3.SQLITE_OK
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_DENY


def open_sqlite_readonly(path: Path | str) -> sqlite3.Connection:
    """Open an existing SQLite file read-only (URI mode=ro) with an authorizer refusing all writes."""
    file = Path(path)
    if not file.is_file():
        raise DatabaseUnavailable(f"SQLite database {file} does not exist")
    try:
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"cannot open SQLite database {file}: {exc}") from exc
    conn.set_authorizer(_authorize_reads)
    return conn


_ALLOWED_LEADING = {"select", "explain", "show", "with", "values", "table"}
_SIDE_EFFECT_FUNCTIONS = re.compile(
    r"\b(set_config|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|lo_import|lo_export|dblink\w*|"
    r"pg_advisory\w*|pg_file_write|pg_switch_wal)\s*\(",
    re.IGNORECASE,
)


class ReadOnlyViolation(PermissionError):
    """A statement perfpilot refuses to send on a read-only connection."""


class ReadOnlyPgConnection:
    """A psycopg connection that sends only single read statements, each in a READ ONLY transaction.

    Three layers: the session default (default_transaction_read_only, SESSION CHARACTERISTICS READ ONLY),
    this guard (leading keyword SELECT/EXPLAIN/SHOW/WITH/VALUES/TABLE, no side-effect function such as
    set_config, no BEGIN/SET that could lift read-only), and the extended protocol (binary results),
    which rejects a second statement smuggled after a ';'.
    """

    def __init__(self, conn: psycopg.Connection[Any], label: str) -> None:
        self._conn = conn
        self.label = label

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run one read statement; ReadOnlyViolation before anything is sent otherwise."""
        text = re.sub(r"^(\s|--[^\n]*\n|/\*.*?\*/)+", "", query, flags=re.DOTALL)
        leading = re.split(r"[\s(]+", text.lstrip("( \n\t"), maxsplit=1)[0].lower()
        if leading not in _ALLOWED_LEADING:
            raise ReadOnlyViolation(f"perfpilot sends only read statements; refused {leading.upper()!r}")
        if _SIDE_EFFECT_FUNCTIONS.search(text):
            raise ReadOnlyViolation("perfpilot refuses statements calling functions with side effects")
        if params is None:  # no parameters: a literal '%' (modulo) must not read as a placeholder
            query, params = query.replace("%", "%%"), ()
        return self._conn.execute(query, params, binary=True)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> ReadOnlyPgConnection:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def open_postgres_readonly(
    dsn: str,
    *,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
    lock_timeout_ms: int = LOCK_TIMEOUT_MS,
    connect_timeout_s: int = 5,
) -> ReadOnlyPgConnection:
    """A guarded connection whose every transaction is READ ONLY, with statement and lock timeouts.

    HypoPG's hypopg_create_index/hypopg_reset work inside a READ ONLY transaction (verified on
    PostgreSQL 15.18 / HypoPG 1.3.1): hypothetical indexes live in the backend's memory and write nothing.
    """
    import psycopg

    target = parse_dsn(dsn)
    options = (
        f"-c default_transaction_read_only=on -c statement_timeout={int(statement_timeout_ms)} "
        f"-c lock_timeout={int(lock_timeout_ms)}"
    )
    try:
        conn = psycopg.connect(
            dsn,
            application_name=APPLICATION_NAME,
            connect_timeout=connect_timeout_s,
            options=options,
            autocommit=True,
        )
    except psycopg.Error as exc:
        reason = redact_dsn(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL database {target.database!r} on "
            f"{target.host or 'localhost'}:{target.port or 5432}: {reason}"
        ) from None
    conn.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    conn.prepare_threshold = None  # each EXPLAIN is distinct text: server-side prepares only cost time
    return ReadOnlyPgConnection(conn, target.label)
