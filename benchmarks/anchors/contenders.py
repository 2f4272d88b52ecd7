"""The index-selection algorithms the benchmark holds side by side, each as one select function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from benchmarks.anchors import db2advis, extend
from benchmarks.anchors.surface import GreedySelector, IndexCandidate, QueryUse, WhatIf, generate_candidates

Select = Callable[[list[QueryUse], Any, WhatIf, float, float], list[IndexCandidate]]
MAX_WIDTH = 2
CLI_MIN_BENEFIT = 0.01  # `perfpilot db advise --min-benefit` default


def perfpilot(
    uses: list[QueryUse], catalog: Any, whatif: WhatIf, budget_bytes: float, min_benefit: float
) -> list[IndexCandidate]:
    """perfpilot's selection as `advise()` runs it (no INCLUDE columns, no write penalty on TPC-H)."""
    selector = GreedySelector(
        uses,
        generate_candidates(uses, catalog, max_columns=MAX_WIDTH, covering=False),
        whatif,
        budget_bytes=budget_bytes,
        min_benefit=min_benefit,
        penalty=lambda _: 0.0,
    )
    return selector.best().chosen


def perfpilot_cli_default(
    uses: list[QueryUse], catalog: Any, whatif: WhatIf, budget_bytes: float, min_benefit: float
) -> list[IndexCandidate]:
    """perfpilot with the command line's default threshold: no index saving under 1% of the workload."""
    return perfpilot(uses, catalog, whatif, budget_bytes, CLI_MIN_BENEFIT)


def extend_anchor(
    uses: list[QueryUse], catalog: Any, whatif: WhatIf, budget_bytes: float, min_benefit: float
) -> list[IndexCandidate]:
    """Extend (Schlosser et al., ICDE 2019); it has no minimum-benefit threshold."""
    return extend.select(uses, whatif, budget_bytes=budget_bytes, max_width=MAX_WIDTH)


def db2advis_anchor(
    uses: list[QueryUse], catalog: Any, whatif: WhatIf, budget_bytes: float, min_benefit: float
) -> list[IndexCandidate]:
    """DB2Advis (Valentin et al., ICDE 2000), without the variation phase (as the VLDB 2020 evaluation)."""
    return db2advis.select(uses, whatif, budget_bytes=budget_bytes, max_width=MAX_WIDTH)


CONTENDERS: tuple[tuple[str, Select], ...] = (
    ("perfpilot", perfpilot),
    (f"perfpilot, --min-benefit {CLI_MIN_BENEFIT:g}", perfpilot_cli_default),
    ("Extend", extend_anchor),
    ("DB2Advis", db2advis_anchor),
)
