"""PromQL text for generated rules: string literals, label selectors and metric-name-safe slugs."""

from __future__ import annotations

import re

from perfpilot.skills.observability.limits import EndpointLimit

_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


def promql_string(value: str) -> str:
    """A double-quoted PromQL string literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def rule_slug(name: str) -> str:
    """A metric-name-safe suffix for an alert name."""
    return _NOT_NAME.sub("_", name).strip("_") or "endpoint"


def selector(limit: EndpointLimit, route_label: str, *, with_method: bool, extra: str = "") -> str:
    """Label matchers for one endpoint's series ('' for overall)."""
    matchers = []
    if limit.route is not None:
        matchers.append(f"{route_label}={promql_string(limit.route)}")
        if with_method and limit.method:
            matchers.append(f"method={promql_string(limit.method)}")
    if extra:
        matchers.append(extra)
    return "{" + ",".join(matchers) + "}" if matchers else ""
