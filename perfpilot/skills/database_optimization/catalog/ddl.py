"""Builds a Catalog from a schema DDL file: tables, columns, indexes, primary keys and unique constraints.

The file may be a hand-written schema or pg_dump --schema-only output (psql meta-commands such as
`\\restrict` are dropped first). Only statements that shape the catalog are parsed: CREATE TABLE,
CREATE INDEX and ALTER TABLE. Everything else (SET, set_config, sequences, OWNER TO, COMMENT, GRANT,
functions...) says nothing about tables or indexes and is passed over. A catalog statement that does
not parse, or parses only as an opaque command, is a problem with its line: `read_ddl` returns them
beside the partial catalog, `catalog_from_ddl` raises on the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import sqlglot
import structlog
from sqlglot import exp
from sqlglot.dialects.dialect import Dialect as SqlglotDialect
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from perfpilot.skills.database_optimization.catalog.models import Catalog, Column, Dialect, Index, Table
from perfpilot.skills.database_optimization.catalog.psql_script import sql_of_psql_script

log = structlog.get_logger(__name__)


_CATALOG_STATEMENT = re.compile(
    r"^(create\s+(?:(?:global|local)\s+)?(?:(?:temp|temporary|unlogged)\s+)?table"
    r"|create\s+(?:unique\s+)?index|alter\s+table)\b",
    re.IGNORECASE,
)
_KEY_CONSTRAINT = re.compile(r"\b(primary\s+key|unique)\b", re.IGNORECASE)
_ALTER_WITHOUT_ADD = re.compile(r"^alter\s+table\b(?!.*\badd\b)", re.IGNORECASE | re.DOTALL)
"""ALTER TABLE ... OWNER TO, ALTER COLUMN ... SET DEFAULT, ENABLE ROW LEVEL SECURITY: the catalog takes
only what an ALTER TABLE adds (constraints, columns), so the others are passed over unparsed."""


class DdlError(ValueError):
    """The DDL file could not be read; the message names the file, line and statement."""

    def __init__(self, source: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{source}:{line}: {reason}" if line is not None else f"{source}: {reason}")
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class DdlProblem:
    """A catalog statement left out, where it starts and why."""

    line: int
    reason: str


@dataclass
class DdlRead:
    """The catalog read from a DDL file and the statements it had to leave out."""

    catalog: Catalog
    problems: list[DdlProblem] = field(default_factory=list)


@dataclass(frozen=True)
class DdlStatement:
    """One statement's text and the line it starts on."""

    line: int
    text: str


def split_statements(text: str, dialect: Dialect, source: str) -> list[DdlStatement]:
    """Split on top-level semicolons using the dialect's tokenizer (so ';' inside strings is kept)."""
    try:
        tokens = SqlglotDialect.get_or_raise(dialect).tokenize(text)
    except SqlglotError as err:
        raise DdlError(source, f"cannot tokenize the DDL: {_first_line(err)}") from err
    statements: list[DdlStatement] = []
    start: int | None = None
    line = 1
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if start is not None:
                statements.append(DdlStatement(line=line, text=text[start:token.start]))
            start = None
        elif start is None:
            start, line = token.start, token.line
    if start is not None:
        statements.append(DdlStatement(line=line, text=text[start:]))
    return statements


def read_ddl(path: Path, dialect: Dialect) -> DdlRead:
    """Read CREATE TABLE / CREATE INDEX / ALTER TABLE ... ADD PRIMARY KEY|CONSTRAINT into a Catalog; a
    catalog statement that cannot be read becomes a DdlProblem. DdlError when the file cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise DdlError(str(path), f"cannot read the DDL file: {err}") from err
    tables: dict[str, Table] = {}
    problems: list[DdlProblem] = []
    for statement in split_statements(sql_of_psql_script(text), dialect, str(path)):
        body = statement.text.strip()
        if not _CATALOG_STATEMENT.match(body) or _ALTER_WITHOUT_ADD.match(body):
            continue
        snippet = " ".join(body.split())[:80]
        try:
            tree = sqlglot.parse_one(body, read=dialect)
        except (SqlglotError, RecursionError) as err:
            problems.append(DdlProblem(statement.line, f"cannot parse '{snippet}': {_first_line(err)}"))
            continue
        if isinstance(tree, exp.Command):
            if not body.lower().startswith("alter") or _KEY_CONSTRAINT.search(body):
                problems.append(DdlProblem(statement.line, f"statement not understood: '{snippet}'"))
            continue  # ALTER TABLE ... OWNER TO, ENABLE ROW LEVEL SECURITY...: no catalog content
        _apply(tree, tables)
    return DdlRead(Catalog(dialect=dialect, source=f"ddl:{path}", tables=list(tables.values())), problems)


def catalog_from_ddl(path: Path, dialect: Dialect) -> Catalog:
    """The catalog of a DDL file; DdlError naming file, line and statement at the first one left out."""
    read = read_ddl(path, dialect)
    if read.problems:
        first = read.problems[0]
        raise DdlError(str(path), first.reason, first.line)
    return read.catalog


def _apply(tree: exp.Expr, tables: dict[str, Table]) -> None:
    if isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() == "TABLE":
        schema = tree.this
        if isinstance(schema, exp.Schema) and isinstance(schema.this, exp.Table):
            table = _table(schema.this, tables)
            for item in schema.expressions:
                _table_element(item, table)
            _storage_parameters(tree, table)
    elif isinstance(tree, exp.Create) and str(tree.args.get("kind", "")).upper() == "INDEX":
        _create_index(tree, tables)
    elif isinstance(tree, exp.Alter) and isinstance(tree.this, exp.Table):
        table = _table(tree.this, tables)
        for action in tree.args.get("actions") or []:
            for item in action.expressions if isinstance(action, exp.AddConstraint) else [action]:
                _table_element(item, table)
    else:
        log.debug("ddl_statement_ignored", kind=type(tree).__name__)


def _storage_parameters(tree: exp.Create, table: Table) -> None:
    """WITH (autovacuum_enabled = false, ...): the parameters the statistics checks read."""
    properties = tree.args.get("properties")
    for prop in properties.expressions if isinstance(properties, exp.Properties) else []:
        if isinstance(prop, exp.Property) and prop.name.lower() == "autovacuum_enabled":
            value = prop.args.get("value")
            text = (value.name if isinstance(value, exp.Expr) else str(value)).strip("'\"").lower()
            table.autovacuum_enabled = text not in {"false", "off", "no", "0"}


def _table(node: exp.Table, tables: dict[str, Table]) -> Table:
    name = node.name.lower()
    if name not in tables:
        tables[name] = Table(name=name, schema_name=node.db or "public")
    return tables[name]


def _table_element(item: exp.Expr, table: Table) -> None:
    if isinstance(item, exp.ColumnDef):
        _column(item, table)
    elif isinstance(item, exp.Constraint):
        for inner in item.expressions:
            _constraint(inner, table, item.name)
    else:
        _constraint(item, table, None)


def _column(item: exp.ColumnDef, table: Table) -> None:
    kind = item.args.get("kind")
    constraints = [c.args.get("kind") for c in item.args.get("constraints") or []]
    primary = any(isinstance(c, exp.PrimaryKeyColumnConstraint) for c in constraints)
    table.columns.append(Column(
        name=item.name.lower(),
        type=kind.sql() if isinstance(kind, exp.DataType) else "",
        nullable=not primary and not any(isinstance(c, exp.NotNullColumnConstraint) for c in constraints),
    ))
    if primary:
        _add_index(table, f"{table.name}_pkey", [item.name.lower()], unique=True, primary=True)
    elif any(isinstance(c, exp.UniqueColumnConstraint) for c in constraints):
        _add_index(table, f"{table.name}_{item.name.lower()}_key", [item.name.lower()], unique=True)


def _constraint(item: exp.Expr, table: Table, name: str | None) -> None:
    if isinstance(item, exp.PrimaryKey):
        columns = _names(item.expressions)
        _add_index(table, name or f"{table.name}_pkey", columns, unique=True, primary=True)
        for column in columns:
            found = table.column(column)
            if found is not None:
                found.nullable = False
    elif isinstance(item, exp.UniqueColumnConstraint) and isinstance(item.this, exp.Schema):
        columns = _names(item.this.expressions)
        label = name or (item.this.name if item.this.this else "") or f"{table.name}_{'_'.join(columns)}_key"
        _add_index(table, label, columns, unique=True)
    elif isinstance(item, exp.IndexColumnConstraint):
        columns = _names(item.expressions)
        _add_index(table, item.name or f"{table.name}_{'_'.join(columns)}_idx", columns)


def _create_index(tree: exp.Create, tables: dict[str, Table]) -> None:
    index = tree.this
    if not isinstance(index, exp.Index) or not isinstance(index.args.get("table"), exp.Table):
        return
    table = _table(index.args["table"], tables)
    params = index.args.get("params")
    columns: list[str] = []
    include: list[str] = []
    method, partial = "btree", False
    if isinstance(params, exp.IndexParameters):
        for item in params.args.get("columns") or []:
            target = item.this if isinstance(item, exp.Ordered) else item
            columns.append(target.name.lower() if isinstance(target, exp.Column) else target.sql().lower())
        include = _names(params.args.get("include") or [])
        using = params.args.get("using")
        method = using.name.lower() if isinstance(using, exp.Expr) else method
        partial = params.args.get("where") is not None
    table.indexes.append(Index(
        name=index.name.lower() or f"{table.name}_{'_'.join(columns)}_idx", table=table.name,
        columns=columns, include=include, unique=bool(tree.args.get("unique")), partial=partial,
        method=method,
    ))


def _add_index(table: Table, name: str, columns: list[str], *, unique: bool = False,
               primary: bool = False) -> None:
    if columns and not any(i.columns == columns and i.unique == unique for i in table.indexes):
        table.indexes.append(Index(name=name.lower(), table=table.name, columns=columns, unique=unique,
                                   primary=primary))


def _names(items: list[exp.Expr]) -> list[str]:
    return [item.name.lower() for item in items if item.name]


def _first_line(err: BaseException) -> str:
    lines = str(err).strip().splitlines()
    return (lines[0] if lines else type(err).__name__)[:300]
