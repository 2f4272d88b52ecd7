"""pg_stat_user_tables exported as CSV, merged into a DDL catalog: row counts and analyze statistics.

The columns are pg_stat_user_tables' own names (relname required; schemaname, n_live_tup, n_dead_tup,
n_tup_ins, n_tup_upd, n_tup_del, n_mod_since_analyze, last_analyze, last_autoanalyze optional, others
ignored), as `COPY (SELECT ... FROM pg_stat_user_tables) TO STDOUT CSV HEADER` writes them. A table the
DDL does not have is passed over; a value that is not a number is an error naming file, line and field.
"""

from __future__ import annotations

import csv
from pathlib import Path

from perfpilot.skills.database_optimization.catalog.ddl import DdlError
from perfpilot.skills.database_optimization.catalog.models import Catalog, Table

COUNTS = {
    "n_live_tup": "row_count", "n_tup_ins": "inserts", "n_tup_upd": "updates", "n_tup_del": "deletes",
    "n_mod_since_analyze": "modified_since_analyze",
}


def _count(path: Path, line: int, field: str, text: str) -> int | None:
    if not text.strip():
        return None
    try:
        return int(float(text))
    except ValueError:
        raise DdlError(str(path), f"{field}: not a number: {text[:40]!r}", line) from None


def _apply(table: Table, row: dict[str, str], path: Path, line: int) -> None:
    for column, attribute in COUNTS.items():
        if column in row:
            value = _count(path, line, column, row[column] or "")
            if value is not None:
                setattr(table, attribute, value)
    analyzed = [row.get(k) or "" for k in ("last_analyze", "last_autoanalyze")]
    latest = max((a.strip() for a in analyzed if a.strip()), default=None)
    if "last_analyze" in row or "last_autoanalyze" in row:
        table.last_analyze = latest


def apply_table_stats(catalog: Catalog, path: Path) -> int:
    """Merge the CSV's figures into the catalog's tables; the number of tables it matched."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or "relname" not in reader.fieldnames:
                raise DdlError(str(path), "not pg_stat_user_tables CSV: no relname column", 1)
            matched = 0
            for row in reader:
                schema = (row.get("schemaname") or "").strip()
                name = (row.get("relname") or "").strip()
                table = catalog.table(f"{schema}.{name}" if schema else name)
                if table is None or (schema and table.schema_name != schema):
                    continue
                _apply(table, row, path, reader.line_num)
                matched += 1
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DdlError(str(path), f"cannot read the table statistics: {exc}") from exc
    return matched
