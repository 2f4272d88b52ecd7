"""Every generated incident's evidence: the traffic, workload and static files, written into its folder."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from perfpilot.evals.generate import k6, logs, otlp, prometheus, static
from perfpilot.evals.generate.logs import Statement
from perfpilot.evals.generate.traffic import Route, sample_traffic

START = datetime(2026, 10, 14, 9, 0, 0, tzinfo=UTC)
APPS = ["app-1:8000", "app-2:8000", "app-3:8000"]
Files = dict[str, str]

BY_CUSTOMER = (
    "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC"
)
BY_ID = "SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = $1"
PRODUCT = "SELECT id, sku, name, price_cents, stock FROM products WHERE id = $1"
ITEMS = "SELECT id, product_id, quantity, unit_price_cents FROM order_items WHERE order_id = $1"
INSERT_ORDER = "INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, $2, $3) RETURNING id"


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


def healthy_indexed_api() -> Files:
    routes = [
        Route("GET", "/customers/{id}/orders", 2400, 18, 46, 0.0005, 0.45),
        Route("GET", "/orders/{id}", 3000, 9, 24, 0.0004, 0.40),
        Route("GET", "/products/{id}", 4200, 6, 15, 0.0002, 0.35),
        Route("POST", "/checkout", 900, 35, 90, 0.001, 0.30),
    ]
    traffic = sample_traffic(routes, 600, seed=101)
    work = [
        Statement(BY_CUSTOMER, 2400, 0.42, 12),
        Statement(BY_ID, 3000, 0.08),
        Statement(PRODUCT, 6100, 0.06),
        Statement(ITEMS, 3000, 0.11, 4),
        Statement(INSERT_ORDER, 900, 0.35),
    ]
    return {
        "metrics.prom": prometheus.exposition(traffic, "orders-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=101),
        "schema.sql": static.SHOP_SCHEMA + static.INDEXED,
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


def orders_missing_index_pgss() -> Files:
    routes = [
        Route("GET", "/customers/{id}/orders", 2400, 260, 720, 0.004, 0.95),
        Route("GET", "/orders/{id}", 3000, 9, 26, 0.0004, 0.40),
        Route("GET", "/products/{id}", 4200, 6, 16, 0.0002, 0.35),
        Route("POST", "/checkout", 900, 38, 110, 0.001, 0.30),
    ]
    traffic = sample_traffic(routes, 600, seed=104)
    work = [
        Statement(BY_CUSTOMER, 2400, 231.0, 12),
        Statement(BY_ID, 3000, 0.08),
        Statement(PRODUCT, 6100, 0.06),
        Statement(
            "SELECT id, product_id, quantity, unit_price_cents FROM order_items WHERE id = $1", 3000, 0.09
        ),
        Statement(INSERT_ORDER, 900, 0.35),
    ]
    return {
        "metrics.prom": prometheus.exposition(traffic, "orders-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=104),
        "schema.sql": static.SHOP_SCHEMA
        + "CREATE INDEX order_items_order_id_idx ON order_items (order_id);\n",
    }


def invoices_missing_index_mysql() -> Files:
    routes = [
        Route("GET", "/accounts/{id}/invoices", 1500, 420, 1100, 0.006, 0.9),
        Route("GET", "/accounts/{id}", 2500, 8, 22, 0.0005, 0.3),
    ]
    traffic = sample_traffic(routes, 300, seed=105)
    work = [
        Statement(
            "SELECT id, status, amount_cents, issued_at FROM invoices"
            " WHERE account_id = ? ORDER BY issued_at DESC LIMIT 50",
            150,
            380.0,
            50,
        ),
        Statement("SELECT id, name, plan FROM accounts WHERE id = ?", 250, 0.12),
    ]
    return {
        "metrics.prom": prometheus.exposition(traffic, "billing-api", APPS[:2]),
        "mysql-slow.log": logs.mysql_slow_log(work, START, seed=105, user="billing", db="billing"),
        "schema.sql": static.BILLING_SCHEMA_MYSQL,
    }


def order_items_n_plus_one() -> Files:
    routes = [
        Route("GET", "/orders/{id}", 1800, 190, 520, 0.002, 0.93),
        Route("GET", "/products/{id}", 2400, 7, 18, 0.0002, 0.35),
    ]
    traffic = sample_traffic(routes, 300, seed=106)
    plans = [
        otlp.SpanPlan(
            "/orders/{id}",
            (
                (
                    "SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = ?",
                    (1, 1),
                    0.3,
                ),
                (
                    "SELECT id, product_id, quantity, unit_price_cents FROM order_items"
                    " WHERE order_id = ? AND id = ?",
                    (1, 1),
                    0.2,
                ),
                ("SELECT id, sku, name, price_cents, stock FROM products WHERE id = ?", (10, 24), 1.6),
            ),
        ),
        otlp.SpanPlan(
            "/products/{id}",
            (("SELECT id, sku, name, price_cents, stock FROM products WHERE id = ?", (1, 1), 0.4),),
        ),
    ]
    return {
        "k6-summary.json": k6.summary(traffic),
        "traces.json": otlp.traces(
            traffic, plans, "orders-api", int(START.timestamp() * 1e9), seed=106, limit=60
        ),
        "schema.sql": static.SHOP_SCHEMA + static.INDEXED,
    }


def search_leading_wildcard() -> Files:
    routes = [
        Route("GET", "/products/search", 1200, 340, 900, 0.003, 0.9),
        Route("GET", "/products/{id}", 4000, 6, 15, 0.0002, 0.35),
    ]
    traffic = sample_traffic(routes, 600, seed=107)
    work = [
        Statement(
            "SELECT id, sku, name, price_cents FROM products"
            " WHERE name ILIKE '%' || $1 || '%' ORDER BY name LIMIT 20",
            1200,
            300.0,
            20,
        ),
        Statement(PRODUCT, 4000, 0.06),
    ]
    return {
        "metrics.prom": prometheus.exposition(traffic, "catalog-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=107),
        "schema.sql": static.SHOP_SCHEMA,
    }


def db_plus_app_partial() -> Files:
    routes = [
        Route("GET", "/customers/{id}/orders", 2600, 300, 780, 0.003, 0.9),
        Route("GET", "/orders/{id}", 3000, 10, 28, 0.0004, 0.4),
        Route("GET", "/reports/monthly.pdf", 260, 900, 1900, 0.002, 0.08),
    ]
    traffic = sample_traffic(routes, 600, seed=108)
    work = [
        Statement(BY_CUSTOMER, 2600, 270.0, 12),
        Statement(BY_ID, 3000, 0.08),
        Statement(
            "SELECT date_trunc('day', created_at) AS day, sum(total_cents) FROM orders"
            " WHERE created_at >= $1 GROUP BY 1",
            260,
            6.0,
            30,
        ),
    ]
    return {
        "metrics.prom": prometheus.exposition(traffic, "orders-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=108),
        "schema.sql": static.SHOP_SCHEMA + "CREATE INDEX orders_created_at_idx ON orders (created_at);\n"
        "CREATE INDEX order_items_order_id_idx ON order_items (order_id);\n",
    }


def export_cpu_hot_path() -> Files:
    routes = [
        Route("GET", "/exports/{id}.csv", 900, 950, 2400, 0.004, 0.04),
        Route("GET", "/exports", 1500, 14, 40, 0.0005, 0.3),
    ]
    traffic = sample_traffic(routes, 600, seed=109)
    work = [
        Statement(
            "SELECT id, customer_id, status, total_cents, created_at FROM orders"
            " WHERE created_at >= $1 AND created_at < $2",
            900,
            38.0,
            5000,
        ),
        Statement(
            "SELECT id, created_at FROM exports WHERE owner_id = $1 ORDER BY created_at DESC LIMIT 20",
            1500,
            0.3,
            20,
        ),
    ]
    schema = static.SHOP_SCHEMA + (
        "CREATE INDEX orders_created_at_idx ON orders (created_at);\n\n"
        "CREATE TABLE exports (\n    id bigserial PRIMARY KEY,\n    owner_id bigint NOT NULL,\n"
        "    created_at timestamptz NOT NULL DEFAULT now()\n);\n"
        "CREATE INDEX exports_owner_id_created_at_idx ON exports (owner_id, created_at DESC);\n"
    )
    return {
        "metrics.prom": prometheus.exposition(traffic, "exports-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=109),
        "schema.sql": schema,
    }


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


def k8s_limits_and_index() -> Files:
    routes = [
        Route("GET", "/customers/{id}/orders", 2400, 280, 760, 0.004, 0.85),
        Route("GET", "/orders/{id}", 2600, 120, 420, 0.002, 0.7),
    ]
    traffic = sample_traffic(routes, 600, seed=113)
    work = [
        Statement(BY_CUSTOMER, 2400, 240.0, 12),
        Statement(BY_ID, 2600, 0.08),
        Statement(ITEMS, 2600, 62.0, 4),
    ]
    manifest = static.deployment("orders-api", 6, "500m", "1Gi", "4", "8Gi")
    return {
        "metrics.prom": prometheus.exposition(traffic, "orders-api", APPS),
        "pg_stat_statements.csv": logs.pg_stat_statements_csv(work, seed=113),
        "schema.sql": static.SHOP_SCHEMA,
        "k8s.yaml": manifest,
    }


def n_plus_one_complex() -> Files:
    routes = [
        Route("GET", "/customers/{id}/orders", 1500, 420, 1300, 0.006, 0.9),
        Route("GET", "/orders/{id}", 1500, 150, 480, 0.002, 0.45),
    ]
    traffic = sample_traffic(routes, 300, seed=114)
    plans = [
        otlp.SpanPlan(
            "/customers/{id}/orders",
            (
                (
                    "SELECT id, status, total_cents, created_at FROM orders"
                    " WHERE customer_id = ? ORDER BY created_at DESC",
                    (1, 1),
                    0.5,
                ),
                (
                    "SELECT id, product_id, quantity, unit_price_cents FROM order_items WHERE order_id = ?",
                    (8, 20),
                    1.0,
                ),
            ),
        ),
        otlp.SpanPlan(
            "/orders/{id}",
            (
                (
                    "SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = ?",
                    (1, 1),
                    0.2,
                ),
                ("SELECT id, sku, name, price_cents, stock FROM products WHERE id = ?", (6, 12), 1.0),
            ),
        ),
    ]
    return {
        "k6-summary.json": k6.summary(traffic),
        "traces.json": otlp.traces(
            traffic, plans, "orders-api", int(START.timestamp() * 1e9), seed=114, limit=40
        ),
        "schema.sql": static.SHOP_SCHEMA + static.INDEXED,
    }


def orders_status_pglog() -> Files:
    routes = [
        Route("GET", "/orders", 300, 470, 1150, 0.003, 0.0, "/orders?status=paid&limit=50"),
        Route("GET", "/orders/{id}", 600, 8, 20, 0.0005, 0.0),
    ]
    traffic = sample_traffic(routes, 60, seed=115)
    work = [
        Statement(
            "SELECT id, customer_id, total_cents, created_at FROM orders"
            " WHERE status = 'paid' ORDER BY created_at DESC LIMIT 50",
            300,
            510.0,
            50,
        ),
        Statement(BY_ID, 600, 0.09),
    ]
    return {
        "access.log": logs.nginx_access_log(traffic, START, seed=115),
        "postgresql.log": logs.postgres_log(work, START, seed=115, user="orders", db="shop"),
        "schema.sql": static.SHOP_SCHEMA + static.INDEXED,
    }


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


SCENARIOS: dict[str, Callable[[], Files]] = {
    "healthy-indexed-api": healthy_indexed_api,
    "healthy-rightsized-k8s": healthy_rightsized_k8s,
    "healthy-edge-cache": healthy_edge_cache,
    "orders-missing-index-pgss": orders_missing_index_pgss,
    "invoices-missing-index-mysql": invoices_missing_index_mysql,
    "order-items-n-plus-one": order_items_n_plus_one,
    "search-leading-wildcard": search_leading_wildcard,
    "db-plus-app-partial": db_plus_app_partial,
    "export-cpu-hot-path": export_cpu_hot_path,
    "single-node-db-saturated": single_node_db_saturated,
    "app-fleet-saturated": app_fleet_saturated,
    "idle-fleet-cost": idle_fleet_cost,
    "k8s-limits-and-index": k8s_limits_and_index,
    "n-plus-one-complex": n_plus_one_complex,
    "orders-status-pglog": orders_status_pglog,
    "static-assets-at-origin": static_assets_at_origin,
}


def write_scenario(incident_id: str, folder: Path) -> list[Path]:
    """Write one incident's generated evidence files into its folder (deterministic: seeded)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in SCENARIOS[incident_id]().items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
