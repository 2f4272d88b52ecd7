"""`python -m shop.serve` under concurrent load: correct answers, and every log line flushed at shutdown."""

from __future__ import annotations

import json
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from perfpilot.evidence.access_log import load_access_log

SHOP = Path(__file__).resolve().parents[2] / "examples" / "shop"
Served = tuple[httpx.Client, subprocess.Popen[bytes]]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(small_db: Path, shop_paths: dict[str, Path]) -> Iterator[Served]:
    port = _free_port()
    command = [sys.executable, "-m", "shop.serve", "--db", str(small_db), "--port", str(port),
               "--query-log", str(shop_paths["query_log"]), "--access-log", str(shop_paths["access_log"])]
    process = subprocess.Popen(command, cwd=SHOP)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for _ in range(200):
                assert process.poll() is None, "the service exited early"
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            yield client, process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_concurrent_requests_are_answered_and_logged(
    served: Served, small_db: Path, shop_paths: dict[str, Path]
) -> None:
    client, process = served
    with sqlite3.connect(small_db) as conn:
        rows = conn.execute("SELECT DISTINCT customer_id FROM orders ORDER BY 1 LIMIT 40")
        customers = [r[0] for r in rows]
        expected = {
            cid: sorted(r[0] for r in conn.execute("SELECT id FROM orders WHERE customer_id = ?", (cid,)))
            for cid in customers
        }

    def fetch(cid: int) -> tuple[int, list[int]]:
        response = client.get(f"/customers/{cid}/orders", headers={"X-Request-ID": f"load-{cid}"})
        return cid, sorted(o["id"] for o in response.json())

    with ThreadPoolExecutor(8) as pool:
        answers = dict(pool.map(fetch, customers))
    assert answers == expected

    process.send_signal(signal.SIGTERM)
    # uvicorn shuts down gracefully (lifespan shutdown flushes the logs), then re-raises the signal.
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    logged = [json.loads(line) for line in shop_paths["query_log"].read_text().splitlines()]
    per_request = Counter(e["request_id"] for e in logged if e["request_id"].startswith("load-"))
    assert per_request == Counter({f"load-{cid}": 1 for cid in customers})
    paths = Counter(e.path for e in load_access_log(shop_paths["access_log"]) if e.path != "/healthz")
    assert paths == Counter({f"/customers/{cid}/orders": 1 for cid in customers})


def test_a_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.db"
    result = subprocess.run(
        [sys.executable, "-m", "shop.serve", "--db", str(missing), "--port", "1"],
        cwd=SHOP, capture_output=True, text=True, timeout=60, check=False,
    )
    assert result.returncode != 0
    assert f"{missing}: no such database" in result.stderr
