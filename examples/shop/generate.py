"""Command line: build the shop database, e.g. `python generate.py --out data/shop.db`."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shop.generator import SEED, generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "data" / "shop.db")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full size")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    started = time.perf_counter()
    counts = generate(args.out, scale=args.scale, seed=args.seed)
    elapsed = time.perf_counter() - started
    rows = ", ".join(f"{table} {count:,}" for table, count in counts.items())
    sys.stdout.write(f"{args.out}: {sum(counts.values()):,} rows ({rows}) in {elapsed:.1f} s\n")


if __name__ == "__main__":
    main()
