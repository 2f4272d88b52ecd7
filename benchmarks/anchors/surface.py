"""The one place the benchmarks import perfpilot's index-selection parts from."""

from perfpilot.skills.database_optimization.candidates import (
    IndexCandidate,
    QueryUse,
    analyse_shape,
    generate_candidates,
)
from perfpilot.skills.database_optimization.connect import open_postgres_readonly
from perfpilot.skills.database_optimization.hypo import HypoPgWhatIf
from perfpilot.skills.database_optimization.pg_catalog import read_catalog
from perfpilot.skills.database_optimization.plans import plan_cost
from perfpilot.skills.database_optimization.selection import GreedySelector
from perfpilot.skills.database_optimization.whatif import WhatIf

__all__ = [
    "GreedySelector",
    "HypoPgWhatIf",
    "IndexCandidate",
    "QueryUse",
    "WhatIf",
    "analyse_shape",
    "generate_candidates",
    "open_postgres_readonly",
    "plan_cost",
    "read_catalog",
]
