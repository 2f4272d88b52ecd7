"""A Prometheus text-exposition snapshot as a Python service's client library exposes it."""

from __future__ import annotations

from collections import defaultdict

from perfpilot.evals.generate.traffic import Route, Traffic

BUCKETS = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.25,
    0.3,
    0.4,
    0.5,
    0.75,
    1.0,
    1.5,
    2.0,
    2.5,
    5.0,
    10.0,
)


def _labels(job: str, instance: str, route: Route, status: int) -> str:
    return (
        f'instance="{instance}",job="{job}",method="{route.method}",route="{route.route}",status="{status}"'
    )


def exposition(traffic: Traffic, job: str, instances: list[str], db_metric: bool = True) -> str:
    """http_requests_total, the http_request_duration_seconds histogram and, optionally, db query time."""
    groups: dict[tuple[str, Route, int], list[float]] = defaultdict(list)
    for i, s in enumerate(traffic.samples):
        groups[(instances[i % len(instances)], s.route, s.status)].append(s.duration_ms / 1000)
    keys = sorted(groups, key=lambda k: (k[0], k[1].route, k[1].method, k[2]))
    out = [
        "# HELP http_requests_total Total HTTP requests by method, route and status.",
        "# TYPE http_requests_total counter",
    ]
    out += [f"http_requests_total{{{_labels(job, k[0], k[1], k[2])}}} {float(len(groups[k]))}" for k in keys]
    out += [
        "# HELP http_request_duration_seconds HTTP request latency by method, route and status.",
        "# TYPE http_request_duration_seconds histogram",
    ]
    for k in keys:
        values, labels = groups[k], _labels(job, k[0], k[1], k[2])
        for bound in BUCKETS:
            count = sum(1 for v in values if v <= bound)
            out.append(f'http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {float(count)}')
        out.append(f'http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {float(len(values))}')
        out.append(f"http_request_duration_seconds_sum{{{labels}}} {sum(values):.6f}")
        out.append(f"http_request_duration_seconds_count{{{labels}}} {float(len(values))}")
    if db_metric:
        out += [
            "# HELP db_query_duration_seconds Time spent in database queries, by route.",
            "# TYPE db_query_duration_seconds summary",
        ]
        per: dict[tuple[str, Route], float] = defaultdict(float)
        calls: dict[tuple[str, Route], int] = defaultdict(int)
        for k in keys:
            per[(k[0], k[1])] += sum(groups[k]) * k[1].db_share
            calls[(k[0], k[1])] += len(groups[k])
        for (instance, route), total in sorted(per.items(), key=lambda kv: (kv[0][0], kv[0][1].route)):
            labels = f'instance="{instance}",job="{job}",route="{route.route}"'
            out.append(f"db_query_duration_seconds_sum{{{labels}}} {total:.6f}")
            out.append(f"db_query_duration_seconds_count{{{labels}}} {float(calls[(instance, route)])}")
    out += [
        "# HELP process_cpu_seconds_total Total user and system CPU time spent in seconds.",
        "# TYPE process_cpu_seconds_total counter",
        *(
            f'process_cpu_seconds_total{{instance="{i}",job="{job}"}} {1234.5 + n * 17.25}'
            for n, i in enumerate(instances)
        ),
    ]
    return "\n".join(out) + "\n"
