"""A small CPU-bound program py-spy profiles for tests/fixtures/profiles/py_spy_busy.txt (see record.sh)."""

import json
import re
import sys
import time


def render_orders(count: int) -> str:
    """Serialize every order as JSON, one by one, as a naive API handler would."""
    return "".join(json.dumps({"id": i, "items": ["a", "b", "c"], "note": "x" * 40}) for i in range(count))


def match_skus(count: int) -> int:
    """Compile a fresh pattern per item (distinct patterns defeat re's cache)."""
    found = 0
    for i in range(count):
        if re.compile(rf"^sku-(\d+)-{i}$").match(f"sku-7-{i}"):
            found += 1
    return found


def checksum(count: int) -> int:
    """Plain arithmetic in Python."""
    total = 0
    for i in range(count):
        total = (total * 31 + i) % 1_000_003
    return total


def main(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        render_orders(2000)
        match_skus(600)
        checksum(50_000)


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 3.0)
