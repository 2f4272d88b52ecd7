"""The shop's data access, problems included: unindexed lookups, an N+1 loop, a leading-wildcard search."""

from __future__ import annotations

from typing import Any

from shop.database import Database, QueryContext

Row = dict[str, Any]


class Store:
    """One method per use case; each runs in a worker thread (the calls block)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def product(self, ctx: QueryContext, product_id: int) -> Row | None:
        rows = self.db.query(
            ctx, "SELECT id, name, description, category, price FROM products WHERE id = ?", (product_id,)
        )
        return rows[0] if rows else None

    def customer_orders(self, ctx: QueryContext, customer_id: int) -> list[Row]:
        # Full scan of orders (no index on orders.customer_id); for the join SQLite builds a throwaway
        # automatic index on order_items.order_id on every call.
        return self.db.query(
            ctx,
            "SELECT o.id, o.status, o.created_at, o.total, count(oi.id) AS items "
            "FROM orders o LEFT JOIN order_items oi ON oi.order_id = o.id "
            "WHERE o.customer_id = ? GROUP BY o.id ORDER BY o.created_at DESC",
            (customer_id,),
        )

    def orders_by_status(self, ctx: QueryContext, status: str, limit: int) -> list[Row]:
        # Full scan and sort: no index on orders (status, created_at).
        return self.db.query(
            ctx,
            "SELECT id, customer_id, created_at, total FROM orders WHERE status = ? "
            "ORDER BY created_at DESC LIMIT ?",
            (status, limit),
        )

    def customer_orders_with_items(self, ctx: QueryContext, customer_id: int) -> list[Row]:
        # N+1: one query for the orders, then one per order for its items (order_items.order_id unindexed).
        orders = self.db.query(
            ctx,
            "SELECT id, status, created_at, total FROM orders WHERE customer_id = ? ORDER BY created_at DESC",
            (customer_id,),
        )
        for order in orders:
            order["items"] = self.db.query(
                ctx, "SELECT product_id, quantity, price FROM order_items WHERE order_id = ?", (order["id"],)
            )
        return orders

    def search_products(self, ctx: QueryContext, term: str, limit: int) -> list[Row]:
        # A leading wildcard: no B-tree index can serve LIKE '%term%'. SQLite's LIKE ignores ASCII case;
        # PostgreSQL's does not, so there the same search is an ILIKE.
        like = "ILIKE" if self.db.postgres else "LIKE"
        return self.db.query(
            ctx,
            "SELECT id, name, category, price FROM products "
            f"WHERE name {like} '%' || ? || '%' ORDER BY name LIMIT ?",
            (term, limit),
        )

    def catalogue(self, ctx: QueryContext) -> list[Row]:
        """Every product's text, read once for related products (shop/related.py)."""
        return self.db.query(ctx, "SELECT id, name, description, category FROM products ORDER BY id")

    def top_products(self, ctx: QueryContext) -> list[Row]:
        # The same answer on every call, recomputed over every order item: a caching candidate.
        return self.db.query(
            ctx,
            "SELECT p.id, p.name, SUM(oi.quantity) AS units, "
            "ROUND(SUM(oi.quantity * oi.price), 2) AS revenue "
            "FROM order_items oi JOIN products p ON p.id = oi.product_id "
            "GROUP BY p.id, p.name ORDER BY revenue DESC LIMIT 10",
        )
