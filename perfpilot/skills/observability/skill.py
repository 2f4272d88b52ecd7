"""observability-stack-configurator: what to scrape (profiling); alerts, dashboard, CI gate (validation)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import Field

from perfpilot.artifacts import Baseline
from perfpilot.skills.base import Skill, SkillContext, SkillError, SkillInput, SkillOutput
from perfpilot.skills.load_test.k6_baseline import baseline_from_k6
from perfpilot.skills.load_test.scripts import endpoint_names
from perfpilot.skills.observability.alerts import alert_rules, dump_rules
from perfpilot.skills.observability.burn_rate import histogram_buckets
from perfpilot.skills.observability.ci import github_workflow
from perfpilot.skills.observability.dashboard import grafana_dashboard
from perfpilot.skills.observability.gate import DEFAULT_GATE_DURATION_S, render_gate
from perfpilot.skills.observability.limits import EndpointLimit, regression_limits
from perfpilot.skills.observability.otel_collector import dump_collector_config
from perfpilot.skills.observability.promtool import PromtoolCheck, promtool_check
from perfpilot.skills.observability.routes import known_routes, route_label
from perfpilot.skills.observability.scrape import (
    MetricToScrape,
    dump_scrape_config,
    recommended_metrics,
    scrape_config,
    scrape_urls,
)

ALERTS_FILE = "prometheus-alerts.yml"


class ObservabilityInput(SkillInput):
    """scrape_config at profiling time; regression after validation (uses the latest measured Baseline)."""

    mode: Literal["scrape_config", "regression"] = "regression"
    margin: float = Field(
        default=0.2, ge=0, le=5, description="Headroom over the validated p95 and error rate."
    )
    gate_duration_s: float = Field(default=DEFAULT_GATE_DURATION_S, gt=0, le=3600)
    target_file: str = Field(default="target.yaml", description="target.yaml path as the CI job sees it.")
    gate_path: str = Field(
        default="perf/k6-gate.js", description="Where the repository keeps the gate script."
    )


class ObservabilityOutput(SkillOutput):
    """Files written, the limits they enforce, and the metrics to scrape."""

    mode: Literal["scrape_config", "regression"]
    artifacts: list[str] = Field(default_factory=list)
    limits: list[EndpointLimit] = Field(default_factory=list)
    baseline_source: str | None = None
    metrics_to_scrape: list[MetricToScrape] = Field(default_factory=list)
    checks: list[PromtoolCheck] = Field(
        default_factory=list,
        exclude=True,  # depends on whether promtool is installed: never in what a model reads or a record
        description="promtool's verdicts (failures also land in notes).",
    )


def validated_baseline(ctx: SkillContext) -> tuple[Baseline | None, str | None]:
    """The latest measured Baseline: this run's load test, else profiling's inventory, else a k6 summary."""
    measured = ctx.earlier.get("load-test-runner")
    baseline = getattr(measured, "baseline", None)
    if isinstance(baseline, Baseline):
        return baseline, f"load-test-runner ({getattr(measured, 'label', None) or 'unlabelled'})"
    inventory = ctx.prior.inventory
    if inventory is not None and inventory.baseline.overall.requests:
        return inventory.baseline, "profiling inventory baseline"
    if ctx.evidence.load_tests:
        summary = ctx.evidence.load_tests[-1]
        http = ctx.evidence.target.evidence.http
        return baseline_from_k6(summary, endpoint_names(http) if http else None), summary.source
    return None, None


def _write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def _checks(*items: tuple[Literal["rules", "config"], Path]) -> list[PromtoolCheck]:
    return [c for kind, path in items if (c := promtool_check(kind, path)) is not None]


def _scrape(ctx: SkillContext, out_dir: Path, rule_files: list[str] | None) -> tuple[list[str], list[str]]:
    if not scrape_urls(ctx.evidence.target):
        return [], ["no metrics URL and no evidence.http.base_url: no scrape config written"]
    config = scrape_config(ctx.evidence.target, rule_files=rule_files)
    return [_write(out_dir / "prometheus.yml", dump_scrape_config(config))], []


def _alerted(
    limits: list[EndpointLimit], routes: list[str], label: str
) -> tuple[list[EndpointLimit], list[str]]:
    """The limits alerts can watch: overall, and each endpoint whose route the service's metrics carry."""
    overall, endpoints = limits[:1], limits[1:]
    watched = [lim for lim in endpoints if lim.route in routes]
    notes = [
        f"{lim.name}: the validated p95 ({lim.measured_p95_ms:.1f} ms) already breaches its SLO "
        f"({lim.slo_p95_ms:g} ms): its burn-rate alerts will fire until it is fixed"
        for lim in overall + watched
        if lim.measured_p95_ms is not None and lim.slo_p95_ms is not None
        and lim.measured_p95_ms > lim.slo_p95_ms
    ]
    if endpoints and not routes:
        notes.append(
            f"the metrics evidence has no {label!r} label values on the latency histogram: one overall "
            "set of alerts, none per endpoint (the k6 gate still checks each endpoint)"
        )
    elif len(watched) < len(endpoints):
        missing = ", ".join(lim.name for lim in endpoints if lim not in watched)
        notes.append(f"no route in the service's metrics matches {missing}: no per-endpoint alerts for them")
    return overall + watched, notes


def run(inp: ObservabilityInput, ctx: SkillContext) -> ObservabilityOutput:
    out_dir = ctx.workdir / "observability"
    metrics = recommended_metrics(ctx.evidence)
    if inp.mode == "scrape_config":
        written, notes = _scrape(ctx, out_dir, None)
        if not ctx.evidence.traces:
            written.append(
                _write(out_dir / "otel-collector.yaml", dump_collector_config(ctx.evidence.target.name))
            )
            notes.append(
                "no traces in the evidence: otel-collector.yaml receives OTLP on loopback and writes spans "
                "as OTLP JSON for evidence.traces (otelcol-contrib; not checked here: no collector binary)"
            )
        return ObservabilityOutput(
            mode=inp.mode,
            artifacts=written,
            metrics_to_scrape=metrics,
            notes=notes,
            checks=_checks(*(("config", Path(p)) for p in written if p.endswith("prometheus.yml"))),
        )
    target = ctx.evidence.target
    baseline, source = validated_baseline(ctx)
    label = route_label(ctx.evidence.metrics)
    routes = known_routes(ctx.evidence.metrics, label)
    with_method = any("method" in s.labels for s in ctx.evidence.metrics if s.name.startswith("http_request"))
    limits = regression_limits(target, baseline, inp.margin, routes)
    if not any(lim.p95_ms is not None for lim in limits):
        raise SkillError("no validated Baseline and no latency SLO: nothing to hold a regression gate to")
    notes = [] if baseline else ["no measured Baseline: limits come from the SLOs alone"]
    alerted, alert_notes = _alerted(limits, routes, label)
    rules, bucket_notes = alert_rules(
        target.name, alerted, route_label=label, with_method=with_method,
        buckets=histogram_buckets(ctx.evidence.metrics),
    )
    notes += alert_notes + bucket_notes
    alerts_path = out_dir / ALERTS_FILE
    written = [_write(alerts_path, dump_rules(rules))]
    dashboard = grafana_dashboard(target.name, limits, route_label=label, with_method=with_method)
    written.append(_write(out_dir / "grafana-dashboard.json", json.dumps(dashboard, indent=2) + "\n"))
    http = target.evidence.http
    if http is not None and http.endpoints:
        written.append(
            _write(out_dir / "k6-gate.js", render_gate(http, limits, duration_s=inp.gate_duration_s))
        )
        workflow = github_workflow(
            target.name, target_file=inp.target_file, gate_path=inp.gate_path, action_ref=target.ci.action
        )
        written.append(_write(out_dir / "github-actions-performance.yml", workflow))
        notes.append(f"commit k6-gate.js as {inp.gate_path} and the workflow under .github/workflows/")
    else:
        notes.append("no evidence.http endpoints: no k6 gate or CI workflow written")
    scrape_written, scrape_notes = _scrape(ctx, out_dir, [ALERTS_FILE])
    checks = _checks(("rules", alerts_path), *(("config", Path(p)) for p in scrape_written))
    notes += scrape_notes + [f"promtool check failed for {c.path}: {c.output}" for c in checks if not c.ok]
    return ObservabilityOutput(
        mode=inp.mode,
        artifacts=written + scrape_written,
        limits=limits,
        baseline_source=source,
        metrics_to_scrape=metrics,
        checks=checks,
        notes=notes,
    )


SKILL: Skill[ObservabilityInput, ObservabilityOutput] = Skill(
    name="observability-stack-configurator",
    input_model=ObservabilityInput,
    output_model=ObservabilityOutput,
    run=run,
)
