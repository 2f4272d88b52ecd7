"""Command line: serve the shop with uvicorn, e.g. `python -m shop.serve --db data/shop.db --port 8765`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import uvicorn

from shop.app import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shop.serve", description=__doc__)
    parser.add_argument(
        "--db", required=True,
        help="SQLite file or PostgreSQL DSN (postgresql://...) to serve, opened read-only",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--query-log", type=Path, help="append one JSON line per SQL statement here")
    parser.add_argument("--access-log", type=Path, help="append combined-format lines + request time here")
    parser.add_argument(
        "--cache-related", action="store_true",
        help="the fix for related products: tokenise the catalogue once and remember each answer",
    )
    args = parser.parse_args(argv)
    try:
        app = create_app(
            args.db, query_log=args.query_log, access_log=args.access_log, cache_related=args.cache_related
        )
    except FileNotFoundError as exc:
        sys.exit(f"shop.serve: {exc}")
    uvicorn.run(app, host=args.host, port=args.port, access_log=False, log_level="warning")


if __name__ == "__main__":
    main()
