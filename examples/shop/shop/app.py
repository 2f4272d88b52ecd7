"""The shop's HTTP API (Starlette): routes, request parsing, and the app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from shop.accesslog import AccessLog
from shop.database import Database, QueryContext
from shop.exposition import CONTENT_TYPE
from shop.generator import STATUSES
from shop.metrics import Metrics
from shop.middleware import ObservabilityMiddleware, route_template
from shop.querylog import QueryLog
from shop.related import Related
from shop.store import Store


def _context(request: Request) -> QueryContext:
    return QueryContext(request_id=request.state.request_id, endpoint=route_template(request.scope))


def _int_param(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name, str(default))
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise HTTPException(400, f"'{name}' must be an integer from {low} to {high}")
    return int(raw)


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def healthz(request: Request) -> Response:
    return PlainTextResponse("ok")


async def metrics(request: Request) -> Response:
    return Response(request.app.state.metrics.render(), media_type=CONTENT_TYPE)


async def product(request: Request) -> Response:
    row = await run_in_threadpool(_store(request).product, _context(request), request.path_params["id"])
    if row is None:
        raise HTTPException(404, "no such product")
    return JSONResponse(row)


async def customer_orders(request: Request) -> Response:
    store, ctx = _store(request), _context(request)
    return JSONResponse(await run_in_threadpool(store.customer_orders, ctx, request.path_params["id"]))


async def customer_orders_with_items(request: Request) -> Response:
    store, ctx = _store(request), _context(request)
    rows = await run_in_threadpool(store.customer_orders_with_items, ctx, request.path_params["id"])
    return JSONResponse(rows)


async def orders_by_status(request: Request) -> Response:
    status = request.query_params.get("status", "")
    if status not in STATUSES:
        raise HTTPException(400, f"'status' must be one of {', '.join(STATUSES)}")
    limit = _int_param(request, "limit", 50, 1, 500)
    rows = await run_in_threadpool(_store(request).orders_by_status, _context(request), status, limit)
    return JSONResponse(rows)


async def search_products(request: Request) -> Response:
    term = request.query_params.get("q", "").strip()
    if not 1 <= len(term) <= 100:
        raise HTTPException(400, "'q' must hold 1 to 100 characters")
    limit = _int_param(request, "limit", 20, 1, 100)
    rows = await run_in_threadpool(_store(request).search_products, _context(request), term, limit)
    return JSONResponse(rows)


async def related_products(request: Request) -> Response:
    related: Related = request.app.state.related
    return JSONResponse(await run_in_threadpool(related.related_products, request.path_params["id"]))


async def top_products(request: Request) -> Response:
    return JSONResponse(await run_in_threadpool(_store(request).top_products, _context(request)))


ROUTES = [
    Route("/healthz", healthz),
    Route("/metrics", metrics),
    Route("/products/search", search_products),
    Route("/products/{id:int}", product),
    Route("/products/{id:int}/related", related_products),
    Route("/customers/{id:int}/orders", customer_orders),
    Route("/customers/{id:int}/orders-with-items", customer_orders_with_items),
    Route("/orders/by-status", orders_by_status),
    Route("/stats/top-products", top_products),
]


def create_app(
    db_path: str | Path,
    *,
    query_log: Path | None = None,
    access_log: Path | None = None,
    cache_related: bool = False,
) -> Starlette:
    """The app over the SQLite file or PostgreSQL DSN `db_path`; logs open here and close at shutdown.
    `cache_related` turns on the fix for related products' per-request recomputation (shop/related.py)."""
    shop_metrics = Metrics()
    queries = QueryLog(query_log) if query_log else None
    access = AccessLog(access_log) if access_log else None
    db = Database(db_path, shop_metrics, queries)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            db.close()
            for log in (queries, access):
                if log is not None:
                    log.close()

    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(ObservabilityMiddleware, metrics=shop_metrics, access_log=access)],
        lifespan=lifespan,
    )
    app.state.metrics = shop_metrics
    app.state.store = Store(db)
    catalogue = QueryContext(request_id="startup", endpoint="/products/{id}/related")
    app.state.related = Related(lambda: app.state.store.catalogue(catalogue), cached=cache_related)
    return app
