"""The seeded simulation behind the recorded checkout-api evidence: a 10-minute k6 run at 40 requests/s
against three app instances sharing one PostgreSQL server whose `orders.customer_id` and
`order_items.order_id` have no index; every request with the statements it ran."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime

SEED = 20241128
T0 = datetime(2024, 11, 28, 14, 0, 0, tzinfo=UTC).timestamp()
DURATION_S = 600.0
RATE = 40.0
INSTANCES = ("app-1:8000", "app-2:8000", "app-3:8000")
BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0
)
LOG_WINDOW = (T0 + 240.0, T0 + 270.0)  # the 30 s of PostgreSQL log kept (log_min_duration_statement = 0)
POOL_TIMEOUT_S = 2.0

ROUTES = (  # (method, route, weight, 5xx probability)
    ("GET", "/products/{id}", 35, 0.0005),
    ("GET", "/products/search", 10, 0.0005),
    ("GET", "/orders/{id}", 25, 0.004),
    ("GET", "/customers/{id}/orders", 20, 0.01),
    ("POST", "/checkout", 10, 0.002),
)

ORDERS_BY_CUSTOMER = (
    "SELECT id, status, total_cents, created_at FROM orders WHERE customer_id = $1 ORDER BY created_at DESC"
)
SEARCH_TERMS = ("mug", "lamp", "oak", "kettle", "wireless", "bamboo", "vintage", "linen")


@dataclass
class Query:
    """One statement a request ran: the log text, optional bind parameters, start offset and duration."""

    sql: str
    duration_ms: float
    offset_ms: float
    params: list[str] | None = None
    otel: str = ""  # the sanitised db.statement an OTel instrumentation would record


@dataclass
class Request:
    """One simulated request as the server and k6 saw it."""

    start: float
    method: str
    route: str
    path: str
    instance: str
    status: int
    server_s: float
    client_s: float
    response_bytes: int
    pid: int
    queries: list[Query] = field(default_factory=list)


def lognormal(rng: random.Random, median: float, sigma: float) -> float:
    """A draw whose median is `median`."""
    return rng.lognormvariate(math.log(median), sigma)


def _queries(rng: random.Random, route: str) -> tuple[str, list[Query], int]:
    """The path, the SQL a route runs (sequential, with app time between) and the response size."""
    queries: list[Query] = []
    clock = lognormal(rng, 1.5, 0.3)

    def run(sql: str, ms: float, params: list[str] | None = None, otel: str = "") -> None:
        nonlocal clock
        queries.append(Query(sql, ms, clock, params, otel or sql))
        clock += ms + lognormal(rng, 0.35, 0.4)

    if route == "/products/{id}":
        pid = rng.randint(1, 20000)
        run("SELECT * FROM products WHERE id = $1", lognormal(rng, 0.12, 0.3), [str(pid)])
        return f"/products/{pid}", queries, rng.randint(900, 1400)
    if route == "/products/search":
        term = rng.choice(SEARCH_TERMS)
        sql = f"SELECT id, name, price_cents FROM products WHERE name LIKE '%{term}%' ORDER BY name LIMIT 20"
        run(sql, lognormal(rng, 38.0, 0.2),
            otel="SELECT id, name, price_cents FROM products WHERE name LIKE ? ORDER BY name LIMIT ?")
        return f"/products/search?q={term}", queries, rng.randint(2000, 4000)
    if route == "/orders/{id}":
        order, customer = rng.randint(1, 1_480_000), rng.randint(1, 250_000)
        run("SELECT * FROM orders WHERE id = $1", lognormal(rng, 0.18, 0.3), [str(order)])
        run(f"SELECT * FROM order_items WHERE order_id = {order}", lognormal(rng, 31.0, 0.18),
            otel="SELECT * FROM order_items WHERE order_id = ?")
        run(ORDERS_BY_CUSTOMER, lognormal(rng, 235.0, 0.22), [str(customer)])
        return f"/orders/{order}", queries, rng.randint(1500, 2600)
    if route == "/customers/{id}/orders":
        customer = rng.randint(1, 250_000)
        run(ORDERS_BY_CUSTOMER, lognormal(rng, 235.0, 0.22), [str(customer)])
        count = rng.choices(range(1, 13), weights=(6, 9, 12, 13, 13, 12, 10, 8, 6, 5, 3, 3))[0]
        first = rng.randint(1, 1_480_000 - 100)
        for order in sorted(rng.sample(range(first, first + 100), count), reverse=True):
            run(f"SELECT * FROM order_items WHERE order_id = {order}", lognormal(rng, 31.0, 0.18),
                otel="SELECT * FROM order_items WHERE order_id = ?")
        return f"/customers/{customer}/orders", queries, 600 + count * rng.randint(700, 1100)
    items = rng.randint(1, 4)
    run("BEGIN", 0.02)
    run("INSERT INTO orders (customer_id, status, total_cents, currency, shipping_address, created_at) "
        "VALUES ($1, $2, $3, $4, $5, now()) RETURNING id", lognormal(rng, 0.9, 0.3),
        [str(rng.randint(1, 250_000)), "pending", str(rng.randint(900, 25000)), "EUR", '{"city": "Lyon"}'])
    for _ in range(items):
        product = str(rng.randint(1, 20000))
        run("INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) "
            "VALUES ($1, $2, $3, $4)", lognormal(rng, 0.35, 0.3),
            [str(rng.randint(1_480_000, 1_490_000)), product, "1", "1299"])
        run("UPDATE products SET stock = stock - $1 WHERE id = $2", lognormal(rng, 0.3, 0.3), ["1", product])
    run("COMMIT", lognormal(rng, 1.8, 0.4))
    return "/checkout", queries, rng.randint(300, 500)


def simulate() -> list[Request]:
    """Every request of the run, in start order."""
    rng = random.Random(SEED)
    weights = [r[2] for r in ROUTES]
    pids = {inst: [23000 + 40 * i + k for k in range(10)] for i, inst in enumerate(INSTANCES)}
    requests: list[Request] = []
    for index in range(int(DURATION_S * RATE)):
        method, route, _, fail = rng.choices(ROUTES, weights=weights)[0]
        start = T0 + index / RATE + rng.uniform(0, 1 / RATE)
        instance = INSTANCES[index % len(INSTANCES)]
        path, queries, size = _queries(rng, route)
        app_ms = lognormal(rng, 6.0, 0.35) + 0.25 * len(queries)
        status = 201 if method == "POST" else 200
        if rng.random() < fail:  # the connection pool timed out: no SQL ran
            status, queries, size = 500, [], 141
            server_s = POOL_TIMEOUT_S + lognormal(rng, 0.004, 0.3)
        else:
            last = max((q.offset_ms + q.duration_ms for q in queries), default=0.0)
            server_s = (last + app_ms) / 1000
        client_s = server_s + lognormal(rng, 0.6, 0.3) / 1000
        requests.append(Request(start, method, route, path, instance, status, server_s, client_s, size,
                                rng.choice(pids[instance]), queries))
    return requests
