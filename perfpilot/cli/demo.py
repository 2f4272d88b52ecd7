"""`make demo`: the closed loop on the bundled shop: profile, analyse, apply to a sandbox, validate."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "examples" / "shop"
TARGET = SHOP / "target.yaml"


def build_data() -> Path:
    """Build (or reuse the cached) shop database, deterministically."""
    sys.path.insert(0, str(SHOP))
    generator = importlib.import_module("shop.generator")
    started = time.perf_counter()
    path = Path(generator.ensure_database(SHOP / "data" / "shop.db"))
    print(f"demo: database ready at {path} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="20-second load tests (about 1.5 minutes; too short to judge most endpoints)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "perfpilot-report")
    args = parser.parse_args(argv)
    if not TARGET.exists():
        print(f"demo: {TARGET} not found: run the demo from a source checkout", file=sys.stderr)
        return 2
    from perfpilot.cli.run import execute_run
    from perfpilot.run.request import RunRequest

    started = time.perf_counter()
    build_data()
    code = execute_run(
        RunRequest(
            target=TARGET,
            out=args.out,
            live=True,
            apply="sandbox",
            # a p95 is judged on >= 100 requests per endpoint and run: at the target's 20 req/s the full
            # demo's 60 s runs give that to every endpoint but the rarest (1% of traffic); the quick
            # demo's 20 s runs give it only to the busiest, so its verdict is mostly 'too few samples'
            load_test_duration_s=20.0 if args.quick else 60.0,
            warmup_s=3.0 if args.quick else 5.0,
        ),
        headless=not sys.stdout.isatty(),
    )
    page, notes = args.out / "report.html", args.out / "report.md"
    print(f"demo: finished in {time.perf_counter() - started:.0f} s with exit code {code}; report: {notes}")
    print(f"demo: open {page.resolve()} in a browser (one file, works offline)")
    return 0 if code in (0, 1, 3, 4, 5, 6) else code  # a finished run, whatever its verdict


if __name__ == "__main__":
    raise SystemExit(main())
