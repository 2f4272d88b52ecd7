"""Generated incidents about the platform: healthy fleets, saturation, cost, the edge."""

from __future__ import annotations

from perfpilot.evals.generate import logs, prometheus, static
from perfpilot.evals.generate.common import APPS, START, Files
from perfpilot.evals.generate.traffic import Route, sample_traffic


def _app(name: str, count: int, cpu: float, mem: float, kind: str = "m5.xlarge") -> dict[str, object]:
    vcpu, gib, usd = {"m5.large": (2, 8, 0.096), "m5.xlarge": (4, 16, 0.192), "m5.2xlarge": (8, 32, 0.384)}[
        kind
    ]
    return {
        "name": name,
        "role": "app",
        "instance_type": kind,
        "count": count,
        "vcpu": vcpu,
        "memory_gib": gib,
        "hourly_usd": usd,
        "cpu_util_avg": round(cpu * 0.6, 2),
        "cpu_util_p95": cpu,
        "mem_util_avg": round(mem * 0.9, 2),
        "mem_util_p95": mem,
        "pricing": "on_demand",
    }


def _db(name: str, cpu: float, mem: float, kind: str = "r5.2xlarge") -> dict[str, object]:
    vcpu, gib, usd = {"r5.xlarge": (4, 32, 0.252), "r5.2xlarge": (8, 64, 0.504)}[kind]
    return {
        "name": name,
        "role": "database",
        "instance_type": kind,
        "count": 1,
        "vcpu": vcpu,
        "memory_gib": gib,
        "hourly_usd": usd,
        "cpu_util_avg": round(cpu * 0.8, 2),
        "cpu_util_p95": cpu,
        "mem_util_avg": round(mem * 0.95, 2),
        "mem_util_p95": mem,
        "pricing": "on_demand",
    }


def healthy_rightsized_k8s() -> Files:
    routes = [
        Route("GET", "/quotes/{id}", 5000, 22, 70, 0.0005, 0.2),
        Route("POST", "/quotes", 1200, 48, 140, 0.001, 0.3),
    ]
    traffic = sample_traffic(routes, 600, seed=102)
    inv = static.inventory(
        [_app("k8s-node-pool", 4, 0.62, 0.58)],
        "quotes-api EKS node group, eu-west-1. Utilisation: 14-day average and p95 (CloudWatch).",
    )
    return {
        "metrics.prom": prometheus.exposition(traffic, "quotes-api", ["10.1.0.11:8000", "10.1.0.12:8000"]),
        "k8s.yaml": static.deployment("quotes-api", 4, "500m", "512Mi", "1", "768Mi"),
        "Dockerfile": static.MULTISTAGE_DOCKERFILE,
        "inventory.yaml": inv,
    }


def healthy_edge_cache() -> Files:
    routes = [
        Route("GET", "/assets/app.js", 600, 3, 9, 0.0, 0.0, "/assets/app.3f9c2.js"),
        Route("GET", "/catalog/{id}", 450, 12, 60, 0.0005, 0.0),
        Route("GET", "/", 150, 8, 35, 0.0, 0.0, "/"),
    ]
    traffic = sample_traffic(routes, 300, seed=103)
    return {"access.log": logs.nginx_access_log(traffic, START, seed=103, cache_header=True)}


def single_node_db_saturated() -> Files:
    routes = [
        Route("GET", "/tickets/{id}", 5000, 140, 640, 0.006, 0.93),
        Route("POST", "/tickets", 1500, 210, 900, 0.01, 0.93),
    ]
    traffic = sample_traffic(routes, 600, seed=110)
    inv = static.inventory(
        [_app("helpdesk-app", 2, 0.41, 0.5), _db("helpdesk-db", 0.97, 0.81)],
        "helpdesk production (one region). Utilisation: 14-day average and p95 (node_exporter).",
    )
    return {"metrics.prom": prometheus.exposition(traffic, "helpdesk", APPS[:2]), "inventory.yaml": inv}


def app_fleet_saturated() -> Files:
    routes = [
        Route("GET", "/feed", 6000, 180, 620, 0.008, 0.1),
        Route("GET", "/profile/{id}", 3000, 60, 380, 0.004, 0.15),
    ]
    traffic = sample_traffic(routes, 600, seed=111)
    inv = static.inventory(
        [_app("feed-app", 4, 0.93, 0.55), _db("feed-db", 0.38, 0.6)],
        "feed-api production. Utilisation: 14-day average and p95 (CloudWatch).",
    )
    return {"metrics.prom": prometheus.exposition(traffic, "feed-api", APPS), "inventory.yaml": inv}


def idle_fleet_cost() -> Files:
    routes = [Route("GET", "/rates/{id}", 3000, 12, 40, 0.0003, 0.3)]
    traffic = sample_traffic(routes, 600, seed=112)
    inv = static.inventory(
        [_app("rates-app", 6, 0.09, 0.18, "m5.2xlarge"), _db("rates-db", 0.22, 0.4, "r5.xlarge")],
        "rates-api production. Utilisation: 14-day average and p95 (CloudWatch).",
    )
    return {"metrics.prom": prometheus.exposition(traffic, "rates-api", APPS), "inventory.yaml": inv}


def static_assets_at_origin() -> Files:
    routes = [
        Route("GET", "/static/app.js", 250, 120, 420, 0.0, 0.0, "/static/app.js"),
        Route("GET", "/static/styles.css", 250, 90, 380, 0.0, 0.0, "/static/styles.css"),
        Route("GET", "/static/logo.png", 200, 80, 350, 0.0, 0.0, "/static/logo.png"),
        Route("GET", "/catalog/featured", 200, 260, 900, 0.002, 0.0, "/catalog/featured"),
        Route("GET", "/users/{id}/cart", 150, 60, 180, 0.001, 0.0),
    ]
    traffic = sample_traffic(routes, 60, seed=116)
    return {"access.log": logs.nginx_access_log(traffic, START, seed=116)}
