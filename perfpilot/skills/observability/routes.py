"""Match target endpoints to the route label values the service's own metrics use."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from perfpilot.evidence.models import MetricSample
from perfpilot.target.spec import Endpoint

LATENCY_HISTOGRAM = "http_request_duration_seconds"
ROUTE_LABELS = ("route", "handler", "path", "endpoint", "uri")
_K6_PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
_ROUTE_PARAM = re.compile(r"\{[^/{}]+\}|:[A-Za-z_]\w*|<[^/<>]+>")


def route_label(samples: Iterable[MetricSample], default: str = "route") -> str:
    """The label that carries the route on the latency histogram, as the service exposes it."""
    names = {k for s in samples if s.name.startswith(LATENCY_HISTOGRAM) for k in s.labels}
    return next((label for label in ROUTE_LABELS if label in names), default)


def known_routes(samples: Iterable[MetricSample], label: str) -> list[str]:
    """Distinct route values seen on the latency histogram."""
    return sorted(
        {s.labels[label] for s in samples if s.name.startswith(LATENCY_HISTOGRAM) and label in s.labels}
    )


def _route_pattern(route: str) -> re.Pattern[str]:
    parts = _ROUTE_PARAM.split(route)
    return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "$")


def endpoint_route(endpoint: Endpoint, routes: Iterable[str]) -> str:
    """The service's route for an endpoint: a known route template that matches its path (placeholders
    standing for one segment), else the path with ${x} written {x} and the query string dropped."""
    path = endpoint.path if endpoint.path.startswith("/") else urlsplit(endpoint.path).path
    path = path.split("?", 1)[0]
    probe = _K6_PLACEHOLDER.sub("x", path)
    for route in sorted(routes, key=lambda r: (len(_ROUTE_PARAM.findall(r)), r)):  # literal routes first
        if _route_pattern(route).match(probe):
            return route
    return _K6_PLACEHOLDER.sub(r"{\1}", path)
