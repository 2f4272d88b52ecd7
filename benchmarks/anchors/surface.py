"""The one place the benchmarks import perfpilot's index-selection parts from."""

from perfpilot.skills.database_optimization.api import (
    GreedySelector,
    HypoPgWhatIf,
    IndexCandidate,
    QueryUse,
    WhatIf,
    analyse_shape,
    generate_candidates,
    open_postgres_readonly,
    plan_cost,
)
from perfpilot.skills.database_optimization.api import read_live_catalog as read_catalog

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
