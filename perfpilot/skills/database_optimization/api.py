"""The database skill's public surface: what the CLI, live apply, benchmarks and tests call.

Everything else in this package is internal and may move; import from here. The index-selection
parts (candidates, what-if evaluators, the greedy selector) are here for the benchmarks, which race
them against published advisors.
"""

from __future__ import annotations

from perfpilot.skills.database_optimization.access.connect import (
    DatabaseUnavailable,
    open_postgres_readonly,
    open_sqlite_readonly,
    parse_dsn,
    redact_dsn,
)
from perfpilot.skills.database_optimization.access.sandbox import SANDBOX_PREFIX, copy_sqlite, is_sandbox_path
from perfpilot.skills.database_optimization.catalog.ddl import DdlError, catalog_from_ddl
from perfpilot.skills.database_optimization.catalog.models import Catalog
from perfpilot.skills.database_optimization.catalog.source import read_live_catalog
from perfpilot.skills.database_optimization.indexes.advisor import advise
from perfpilot.skills.database_optimization.indexes.candidates import (
    IndexCandidate,
    QueryUse,
    analyse_shape,
    generate_candidates,
)
from perfpilot.skills.database_optimization.indexes.hypopg import HypoPgWhatIf
from perfpilot.skills.database_optimization.indexes.models import Advice, IndexRecommendation
from perfpilot.skills.database_optimization.indexes.selection import GreedySelector
from perfpilot.skills.database_optimization.indexes.whatif import WhatIf
from perfpilot.skills.database_optimization.plans.evidence import saved_plan_reports
from perfpilot.skills.database_optimization.plans.postgres import PlanReport, explain_postgres, plan_cost
from perfpilot.skills.database_optimization.plans.sqlite import explain_sqlite

__all__ = [
    "SANDBOX_PREFIX",
    "Advice",
    "Catalog",
    "DatabaseUnavailable",
    "DdlError",
    "GreedySelector",
    "HypoPgWhatIf",
    "IndexCandidate",
    "IndexRecommendation",
    "PlanReport",
    "QueryUse",
    "WhatIf",
    "advise",
    "analyse_shape",
    "catalog_from_ddl",
    "copy_sqlite",
    "explain_postgres",
    "explain_sqlite",
    "generate_candidates",
    "is_sandbox_path",
    "open_postgres_readonly",
    "open_sqlite_readonly",
    "parse_dsn",
    "plan_cost",
    "read_live_catalog",
    "redact_dsn",
    "saved_plan_reports",
]
