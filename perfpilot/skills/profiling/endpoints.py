"""Name a request by the target's endpoint it belongs to (a declared HTTP endpoint, else an SLO endpoint
named 'METHOD /path/{param}'), or by its path with ids collapsed to {id}."""

from __future__ import annotations

import re
from collections.abc import Callable

from perfpilot.target.spec import Target

PARAM = re.compile(r"\$\{[^}]+\}")
SLO_PARAM = re.compile(r"\{[^/{}]+\}")
SLO_ENDPOINT = re.compile(r"^([A-Z]+) (/\S*)$")
ID_SEGMENT = re.compile(r"/(?:\d+|[0-9a-fA-F-]{32,36})(?=/|$)")


def _pattern(method: str, path_template: str, param: re.Pattern[str] = PARAM) -> re.Pattern[str]:
    path = path_template.split("?")[0]
    parts = param.split(path)
    body = "[^/]+".join(re.escape(p) for p in parts)
    return re.compile(f"^{method} {body}$")


def endpoint_namer(target: Target) -> Callable[[str, str], str]:
    """A function (method, path) -> endpoint name, using the target's declared endpoints when one matches."""
    http = target.evidence.http
    declared = sorted(
        http.endpoints if http else [], key=lambda e: (len(PARAM.findall(e.path.split("?")[0])), -len(e.path))
    )
    patterns = [(_pattern(e.method, e.path), e.name) for e in declared]
    slo_names = sorted(
        (m for key in target.slos.endpoints if (m := SLO_ENDPOINT.match(key)) and SLO_PARAM.search(key)),
        key=lambda m: (len(SLO_PARAM.findall(m.group(2))), -len(m.group(2))),
    )
    patterns += [(_pattern(m.group(1), m.group(2), SLO_PARAM), m.group(0)) for m in slo_names]

    def name(method: str, path: str) -> str:
        bare = path.split("?")[0]
        for pattern, endpoint in patterns:
            if pattern.match(f"{method} {bare}"):
                return endpoint
        return f"{method} {ID_SEGMENT.sub('/{id}', bare)}"

    return name
