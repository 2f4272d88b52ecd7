"""The run-to-run spread of log(percentile), pooled over the endpoints measured in the same runs.

Two runs give one endpoint's spread one degree of freedom (Student's t = 12.71): honest, and too wide to
decide anything. The endpoints of one service measured in the same runs share the host's conditions, so
their log-scale run-to-run variances are taken as equal and pooled (the assumption; docs/bench/demo.md
checks it against recorded runs). Pooling alone would overstate the degrees of freedom: a run slowed by
the host slows every endpoint, so that part of the spread is one draw per run, however many endpoints
share it. The spread is therefore split as in a two-way layout (endpoint x run, one value per cell):

    x[e, r] = endpoint level + run effect + residual,
    MS_run = E * sum_r (run mean - grand mean)^2 / (R - 1)              (R - 1 degrees of freedom)
    MS_res = sum (x - endpoint mean - run mean + grand mean)^2 / ((E - 1)(R - 1))

The pooled variance of one endpoint's runs, s^2 = MS_run / E + (E - 1) / E * MS_res, equals the usual
pooled within-endpoint variance; its degrees of freedom are Satterthwaite's approximation for a sum of
mean squares (Satterthwaite 1946, Biometrics Bulletin 2(6):110-114): between R - 1 (the runs' shared
effect dominates) and E(R - 1) (each endpoint varies on its own), rounded down (a wider t).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PooledSpread:
    """Pooled SD of log(percentile) over repeated runs, its degrees of freedom, and what it rests on."""

    sd: float
    degrees: int
    endpoints: int
    runs: int


def pooled_spread(runs_by_endpoint: Sequence[Sequence[float]]) -> PooledSpread | None:
    """Pool the endpoints that have a positive value in every one of the most runs any of them has
    (the same runs, in order); None with fewer than two runs or no spread at all."""
    logged = [[math.log(v) for v in values] for values in runs_by_endpoint if all(v > 0 for v in values)]
    runs = max((len(values) for values in logged), default=0)
    rows = [values for values in logged if len(values) == runs]
    if runs < 2 or not rows:
        return None
    endpoints = len(rows)
    grand = statistics.fmean(v for row in rows for v in row)
    row_means = [statistics.fmean(row) for row in rows]
    run_means = [statistics.fmean(row[r] for row in rows) for r in range(runs)]
    ss_run = endpoints * sum((m - grand) ** 2 for m in run_means)
    ss_res = sum(
        (row[r] - row_means[e] - run_means[r] + grand) ** 2 for e, row in enumerate(rows) for r in range(runs)
    )
    df_run, df_res = runs - 1, (endpoints - 1) * (runs - 1)
    run_part = ss_run / df_run / endpoints
    res_part = (ss_res / df_res) * (endpoints - 1) / endpoints if df_res else 0.0
    variance = run_part + res_part
    if variance <= 0:
        return None
    spread = run_part**2 / df_run + (res_part**2 / df_res if df_res else 0.0)
    degrees = max(df_run, min(df_run + df_res, math.floor(variance**2 / spread + 1e-9)))
    return PooledSpread(sd=math.sqrt(variance), degrees=degrees, endpoints=endpoints, runs=runs)
