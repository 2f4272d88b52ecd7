"""Compare a run's results with a stored baseline: every score or metric that got worse, by incident."""

from __future__ import annotations

from perfpilot.evals.results import IncidentResult

SCORE_TOLERANCE = 0.01
TOKEN_GROWTH = 0.25
SCORES = (
    "score",
    "decision_score",
    "bottleneck_precision",
    "bottleneck_recall",
    "finding_recall",
    "remediation_score",
    "improvement_score",
)


def _scores(current: IncidentResult, base: IncidentResult) -> list[str]:
    found = []
    for name in SCORES:
        before, now = getattr(base, name), getattr(current, name)
        if before is not None and (now is None or now < before - SCORE_TOLERANCE):
            found.append(f"{name} {before} -> {now}")
    return found


def _metrics(current: IncidentResult, base: IncidentResult) -> list[str]:
    found = [
        f"missing finding {label}" for label in current.findings_missed if label not in base.findings_missed
    ]
    found += [f"new false positive {fp}" for fp in current.false_positives if fp not in base.false_positives]
    found += [f"remediation: {m}" for m in current.remediation_missed if m not in base.remediation_missed]
    if current.decision_path != base.decision_path:
        found.append(f"decision path {' > '.join(base.decision_path)} -> {' > '.join(current.decision_path)}")
    for name in ("status", "tier"):
        if getattr(current, name) != getattr(base, name):
            found.append(f"{name} {getattr(base, name)} -> {getattr(current, name)}")
    if current.over_budget and not base.over_budget:
        over = [s.name for s in current.steps if s.over_budget]
        found.append(f"now over its token budget in {', '.join(over)}")
    if base.tokens_total and current.tokens_total > base.tokens_total * (1 + TOKEN_GROWTH):
        found.append(f"tokens {base.tokens_total} -> {current.tokens_total} (> +{TOKEN_GROWTH:.0%})")
    if current.model_calls > base.model_calls:
        found.append(f"model calls {base.model_calls} -> {current.model_calls}")
    return found


def regressions(current: list[IncidentResult], baseline: list[IncidentResult]) -> list[str]:
    """One line per regression, 'incident: what regressed'. Wall time is never compared (it is noise)."""
    now = {r.id: r for r in current}
    lines: list[str] = []
    for base in baseline:
        result = now.get(base.id)
        if result is None:
            lines.append(f"{base.id}: missing from this run")
            continue
        if base.valid and not result.valid:
            lines.append(f"{base.id}: now invalid: {result.error}")
            continue
        lines += [f"{base.id}: {what}" for what in _metrics(result, base) + _scores(result, base)]
    return lines
