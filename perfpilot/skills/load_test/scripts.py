"""Render k6 scripts from a target's HttpSource: one template, endpoint data injected as escaped JSON."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from perfpilot.skills.base import SkillError
from perfpilot.skills.load_test.mix import RequestMix, plan_mix, shares_of
from perfpilot.skills.load_test.profiles import ProfilePlan
from perfpilot.target.spec import Endpoint, HttpSource

TEMPLATE_PATH = Path(__file__).resolve().parent / "template.js"
SUMMARY_TREND_STATS = ["avg", "min", "med", "max", "p(90)", "p(95)", "p(99)"]
DEFAULT_SEED = 20240601
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
# Characters k6 cannot carry inside a sub-metric selector value ("name:..." splits on ',' and trims quotes).
_SELECTOR_UNSAFE = {",": "%2C", '"': "%22", "'": "%27"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TITLE_UNSAFE = re.compile(r"[^\w .:/()+-]")


class TemplateError(SkillError):
    """The script template uses a variable that was not given."""


def render_template(text: str, values: dict[str, str]) -> str:
    """Replace every {{ name }}; a name without a value raises, so a script is never half-rendered."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"template variable {name!r} was not given")
        return values[name]

    return _PLACEHOLDER.sub(substitute, text)


def js_literal(value: Any) -> str:
    """JSON as a JavaScript literal; '</' and '<!' are escaped so no string can close or open markup
    (thresholds such as 'p(95)<300' stay readable)."""
    text = json.dumps(value, ensure_ascii=True, indent=1, sort_keys=True)
    return text.replace("</", "<\\/").replace("<!", "\\u003c!")


def request_tag(endpoint: Endpoint) -> str:
    """The k6 `name` tag of an endpoint's requests: '<METHOD> <path template>', selector-safe."""
    path = _CONTROL.sub("", endpoint.path).strip()
    for char, escaped in _SELECTOR_UNSAFE.items():
        path = path.replace(char, escaped)
    return f"{endpoint.method} {path}"


def endpoint_names(http: HttpSource) -> dict[str, str]:
    """Map each request tag to the endpoint's name in target.yaml."""
    return {request_tag(e): e.name for e in http.endpoints}


def submetric(metric: str, tag: str) -> str:
    """The threshold key that makes k6 report `metric` for requests tagged name=tag."""
    return f"{metric}{{name:{tag}}}"


_REPORTING_RULES = {"http_req_duration": "max>=0", "http_req_failed": "rate>=0", "http_reqs": "count>=0"}


def reporting_thresholds(http: HttpSource) -> dict[str, list[Any]]:
    """Always-true thresholds per endpoint: they exist only so the summary carries tagged sub-metrics."""
    thresholds: dict[str, list[Any]] = {}
    for tag in endpoint_names(http):
        for metric, rule in _REPORTING_RULES.items():
            thresholds[submetric(metric, tag)] = [rule]
    return thresholds


SOAK_PHASES = ("first", "middle", "last")


def phase_thresholds() -> dict[str, list[Any]]:
    """Always-true thresholds on the soak phase tag, so each third of the run has its own figures."""
    thresholds: dict[str, list[Any]] = {}
    for phase in SOAK_PHASES:
        thresholds[f"http_req_duration{{phase:{phase}}}"] = ["max>=0"]
        thresholds[f"http_reqs{{phase:{phase}}}"] = ["count>=0"]
    return thresholds


def _endpoint_data(endpoint: Endpoint, share: float) -> dict[str, Any]:
    body = endpoint.body
    headers: dict[str, str] = {}
    if body is not None:
        looks_json = body.lstrip()[:1] in ("{", "[")
        headers["Content-Type"] = "application/json" if looks_json else "text/plain"
    return {
        "tag": request_tag(endpoint),
        "method": endpoint.method,
        "path": endpoint.path,
        "share": share,
        "params": endpoint.params,
        "body": body,
        "headers": headers,
    }


def declared_shares(http: HttpSource) -> dict[str, float]:
    """Each endpoint's share of requests from the target's weights."""
    return shares_of({e.name: e.weight for e in http.endpoints})


def plan_request_mix(http: HttpSource, plan: ProfilePlan) -> RequestMix | None:
    """The mix of a constant-rate run and its endpoints too thin for a p95; None for a ramp (its
    requests are about where the service breaks, not per-endpoint percentiles)."""
    if plan.stages or not http.endpoints:
        return None
    return plan_mix({e.name: e.weight for e in http.endpoints}, plan.rate_rps, plan.duration_s)


@lru_cache(maxsize=1)
def _template_text() -> str:
    return TEMPLATE_PATH.read_text(encoding="utf-8")


def render_script(
    http: HttpSource,
    plan: ProfilePlan,
    *,
    seed: int = DEFAULT_SEED,
    thresholds: dict[str, list[Any]] | None = None,
    title: str | None = None,
    mix: RequestMix | None = None,
) -> str:
    """A k6 script for `plan` over the target's endpoints; `thresholds` are added to the reporting ones.
    Each endpoint gets its share of `mix` (default: the declared weights)."""
    if not http.endpoints:
        raise SkillError("evidence.http.endpoints is empty: name at least one endpoint to load")
    shares = mix.shares if mix is not None else declared_shares(http)
    phases = plan.profile == "soak"
    merged: dict[str, list[Any]] = {
        **reporting_thresholds(http),
        **(phase_thresholds() if phases else {}),
        **plan.abort_thresholds(),
    }
    for key, rules in (thresholds or {}).items():
        kept = [r for r in merged.get(key, []) if r not in _REPORTING_RULES.values()]
        merged[key] = [*kept, *rules]
    config = {
        "base_url": http.base_url,
        "seed": seed,
        "phases": phases,
        "endpoints": [_endpoint_data(e, shares[e.name]) for e in http.endpoints],
        "options": {
            "scenarios": {plan.profile: plan.scenario()},
            "thresholds": merged,
            "summaryTrendStats": SUMMARY_TREND_STATS,
            "discardResponseBodies": True,
        },
    }
    heading = title or f"profile {plan.profile}"
    values = {"config": js_literal(config), "title": _TITLE_UNSAFE.sub("", heading)[:120]}
    return render_template(_template_text(), values)


def write_script(path: Path, text: str) -> Path:
    """Write a rendered script, creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
