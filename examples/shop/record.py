"""Record sample evidence: run the shop, drive the target.yaml traffic mix at it, keep its logs in recorded/.

`python examples/shop/record.py --requests 400` writes recorded/access.log, recorded/queries.jsonl and
recorded/metrics.prom (a /metrics scrape at the end), all from the unindexed database.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from shop.generator import ensure_database  # noqa: E402  (needs the sys.path entry above)

PLACEHOLDER = re.compile(r"\$\{(\w+)\}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request_paths(endpoints: list[dict[str, Any]], count: int, seed: int) -> list[str]:
    """`count` request paths drawn by weight, placeholders filled from each endpoint's params."""
    rng = random.Random(seed)
    weights = [float(e.get("weight", 1)) for e in endpoints]
    paths = []
    for endpoint in rng.choices(endpoints, weights, k=count):
        params: dict[str, list[str]] = endpoint.get("params", {})

        def fill(match: re.Match[str], params: dict[str, list[str]] = params) -> str:
            return rng.choice(params[match.group(1)])

        paths.append(PLACEHOLDER.sub(fill, endpoint["path"]))
    return paths


def wait_ready(client: httpx.Client, process: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if process.poll() is not None:
            sys.exit(f"record: the service exited with code {process.returncode}")
        try:
            if client.get("/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    sys.exit("record: the service did not become ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=HERE / "recorded")
    args = parser.parse_args()

    db = ensure_database(HERE / "data" / "shop.db")
    endpoints = yaml.safe_load((HERE / "target.yaml").read_text())["evidence"]["http"]["endpoints"]
    paths = request_paths(endpoints, args.requests, args.seed)
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        logs = {"queries.jsonl": Path(tmp, "queries.jsonl"), "access.log": Path(tmp, "access.log")}
        command = [sys.executable, "-m", "shop.serve", "--db", str(db), "--port", str(port),
                   "--query-log", str(logs["queries.jsonl"]), "--access-log", str(logs["access.log"])]
        process = subprocess.Popen(command, cwd=HERE)
        try:
            headers = {"user-agent": "shop-recorder/1.0"}
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as client:
                wait_ready(client, process)
                with ThreadPoolExecutor(args.concurrency) as pool:
                    statuses = list(pool.map(lambda path: client.get(path).status_code, paths))
                metrics = client.get("/metrics").text
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        args.out.mkdir(parents=True, exist_ok=True)
        for name, path in logs.items():
            shutil.copyfile(path, args.out / name)
        (args.out / "metrics.prom").write_text(metrics)
    failed = sum(status >= 400 for status in statuses)
    sys.stdout.write(f"recorded {len(paths)} requests ({failed} failed) into {args.out}\n")


if __name__ == "__main__":
    main()
