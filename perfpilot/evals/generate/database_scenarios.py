"""Generated incidents whose causes are in the database: missing indexes, N+1, anti-patterns."""

from __future__ import annotations

from perfpilot.evals.generate import k6, logs, otlp, prometheus, static
from perfpilot.evals.generate.common import APPS, START, Files
from perfpilot.evals.generate.logs import Statement
from perfpilot.evals.generate.traffic import Route, sample_traffic

BY_CUSTOMER = (
    "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC"
)
BY_ID = "SELECT id, customer_id, status, total_cents, created_at FROM orders WHERE id = $1"
PRODUCT = "SELECT id, sku, name, price_cents, stock FROM products WHERE id = $1"
ITEMS = "SELECT id, product_id, quantity, unit_price_cents FROM order_items WHERE order_id = $1"
INSERT_ORDER = "INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, $2, $3) RETURNING id"


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
