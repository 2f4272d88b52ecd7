"""Build the shop's SQLite database deterministically: fixed seed, primary keys only, no secondary indexes."""

from __future__ import annotations

import hashlib
import os
import random
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

# Bump when the schema or the data change, so cached databases are rebuilt.
GENERATOR_VERSION = 1
SEED = 20261128
CUSTOMERS, PRODUCTS, ORDERS = 50_000, 5_000, 200_000
START = datetime(2025, 1, 1)

SCHEMA = """
CREATE TABLE customers (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL,
    country TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE products (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
    category TEXT NOT NULL, price REAL NOT NULL);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers (id),
    status TEXT NOT NULL, created_at TEXT NOT NULL, total REAL NOT NULL);
CREATE TABLE order_items (
    id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id),
    product_id INTEGER NOT NULL REFERENCES products (id), quantity INTEGER NOT NULL, price REAL NOT NULL);
CREATE TABLE shop_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
TABLES = ("customers", "products", "orders", "order_items")

FIRST = ("Ada", "Ben", "Chloe", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kemi", "Liam")
LAST = ("Okafor", "Smith", "Garcia", "Chen", "Novak", "Silva", "Khan", "Müller", "Rossi", "Tanaka")
COUNTRIES = ("DE", "FR", "GB", "US", "NL", "ES", "IT", "PL", "SE", "JP")
ADJECTIVES = ("Rustic", "Modern", "Compact", "Wireless", "Vintage", "Ergonomic", "Classic", "Portable")
MATERIALS = ("Oak", "Steel", "Linen", "Ceramic", "Bamboo", "Leather", "Glass", "Wool")
NOUNS = ("Lamp", "Chair", "Desk", "Kettle", "Backpack", "Speaker", "Mug", "Blanket", "Shelf", "Clock")
CATEGORIES = ("home", "office", "kitchen", "travel", "audio")
WORDS = ("durable", "handmade", "everyday", "gift", "sustainable", "premium", "light", "warm", "quiet",
         "sturdy", "elegant", "practical", "soft", "bright", "minimal", "classic", "easy", "care")
STATUSES = ("pending", "paid", "shipped", "delivered", "cancelled", "refunded")
STATUS_WEIGHTS = (5, 10, 15, 62, 6, 2)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _customers(rng: random.Random, count: int) -> Iterator[tuple[object, ...]]:
    for cid in range(1, count + 1):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        joined = START - timedelta(days=rng.randrange(0, 730), seconds=rng.randrange(86_400))
        email = f"{first}.{last}{cid}@example.com".lower()
        yield cid, f"{first} {last}", email, rng.choice(COUNTRIES), _stamp(joined)


def _products(rng: random.Random, count: int) -> list[tuple[int, str, str, str, float]]:
    rows = []
    for pid in range(1, count + 1):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {rng.choice(NOUNS)}"
        description = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(20, 40)))
        rows.append((pid, name, description.capitalize() + ".", rng.choice(CATEGORIES),
                     round(rng.uniform(3, 400), 2)))
    return rows


def _orders_and_items(
    rng: random.Random, orders: int, customers: int, prices: list[float]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    order_rows: list[tuple[object, ...]] = []
    item_rows: list[tuple[object, ...]] = []
    step = 365 * 86_400 / orders  # orders spread over a year, ids in time order
    for oid in range(1, orders + 1):
        total = 0.0
        for _ in range(1 + (rng.random() < 0.4) + (rng.random() < 0.1)):
            product = rng.randrange(len(prices))
            quantity = rng.randrange(1, 5)
            total += quantity * prices[product]
            item_rows.append((len(item_rows) + 1, oid, product + 1, quantity, prices[product]))
        created = START + timedelta(seconds=int(oid * step + rng.random() * step))
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        order_rows.append((oid, rng.randrange(1, customers + 1), status, _stamp(created), round(total, 2)))
    return order_rows, item_rows


def _meta(scale: float, seed: int) -> dict[str, str]:
    return {"generator_version": str(GENERATOR_VERSION), "scale": repr(scale), "seed": str(seed)}


def dataset(scale: float = 1.0, seed: int = SEED) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every data table, deterministic for (scale, seed); shared by the SQLite and PostgreSQL
    builders so both engines serve the same shop."""
    rng = random.Random(seed)
    n_customers, n_products, n_orders = (max(1, round(n * scale)) for n in (CUSTOMERS, PRODUCTS, ORDERS))
    customers = list(_customers(rng, n_customers))
    products = _products(rng, n_products)
    orders, items = _orders_and_items(rng, n_orders, n_customers, [p[4] for p in products])
    return {"customers": customers, "products": list(products), "orders": orders, "order_items": items}


def meta(scale: float = 1.0, seed: int = SEED) -> dict[str, str]:
    """The stamp stored in shop_meta: a cached database is reused only when it matches."""
    return _meta(scale, seed)


def generate(path: Path, *, scale: float = 1.0, seed: int = SEED) -> dict[str, int]:
    """Write a fresh database at `path` (replacing any file there); return the row count per table."""
    rows = dataset(scale, seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=OFF")
        conn.execute("PRAGMA synchronous=OFF")
        conn.executescript(SCHEMA)
        conn.execute("BEGIN")
        for table in TABLES:
            conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?, ?)", rows[table])
        conn.executemany("INSERT INTO shop_meta VALUES (?, ?)", _meta(scale, seed).items())
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        conn.close()


def _stored_meta(path: Path) -> dict[str, str]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return dict(conn.execute("SELECT key, value FROM shop_meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return {}


def ensure_database(path: Path, *, scale: float = 1.0, seed: int = SEED) -> Path:
    """Return `path`, building the database first if it is missing or was made by another generator."""
    if path.exists() and _stored_meta(path) == _meta(scale, seed):
        return path
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    generate(building, scale=scale, seed=seed)
    os.replace(building, path)
    return path


def content_hash(path: Path) -> str:
    """SHA-256 over every row of every data table in primary-key order (independent of file layout)."""
    digest = hashlib.sha256()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for table in TABLES:
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY id"):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()
