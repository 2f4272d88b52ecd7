"""`make demo`: the closed loop on the bundled shop: profile, analyse, apply to a sandbox, validate.

SQLite by default; `--db postgres` (make demo DB=postgres) runs it on the local PostgreSQL cluster."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

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


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    from perfpilot.cli.demo_target import DEFAULT_PG_DSN, DEFAULT_PORT, choose

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="20-second load tests (about 2.5 minutes; too short to judge most endpoints)",
    )
    parser.add_argument("--out", type=Path, default=ROOT / "perfpilot-report")
    parser.add_argument("--db", choices=("sqlite", "postgres"), help="env PERFPILOT_DEMO_DB; default sqlite")
    parser.add_argument("--port", type=int, help=f"env PERFPILOT_DEMO_PORT; default {DEFAULT_PORT}")
    parser.add_argument(
        "--dsn", help=f"PostgreSQL database (env PERFPILOT_DEMO_PG_DSN; default {DEFAULT_PG_DSN})"
    )
    parser.add_argument("--duration", type=float, help="seconds per load test (overrides --quick)")
    args = parser.parse_args(argv)
    args.db = choose(args.db, "PERFPILOT_DEMO_DB", "sqlite")
    args.port = int(choose(args.port, "PERFPILOT_DEMO_PORT", DEFAULT_PORT))
    args.dsn = choose(args.dsn, "PERFPILOT_DEMO_PG_DSN", DEFAULT_PG_DSN) if args.db == "postgres" else None
    if args.db not in ("sqlite", "postgres"):
        parser.error(f"PERFPILOT_DEMO_DB={args.db!r}: choose sqlite or postgres")
    return args


def _summary(report: dict[str, Any]) -> list[str]:
    """The measured before/after p95 lines of report.json (what the run measured, nothing projected)."""
    from perfpilot.figures import change, duration_ms, share

    validation = report.get("validation")
    if not validation:
        return ["demo: no validation ran (the report says why)"]
    floor = validation.get("noise_floor_pct")
    lines = [
        f"demo: validation {validation.get('method', 'not run')}, verdict {validation.get('verdict')}"
        + (f" (noise floor {share(floor / 100)})" if floor is not None else "")
    ]
    judged = set()
    for row in validation.get("comparisons", []):
        if not row.get("metric", "").startswith("p95"):
            continue
        judged.add(row["metric"].split(":", 1)[-1])
        verdict = (row.get("verdict") or "not judged").replace("_", " ")
        if row.get("verdict") == "too_few_samples":
            verdict += f": {row.get('requests_after')} requests after, {row.get('min_requests')} needed"
        target = f", target {duration_ms(row['target'])}" if row.get("target") is not None else ""
        lines.append(
            f"demo: {row['metric']}: {duration_ms(row['before'])} -> {duration_ms(row['after'])} "
            f"({change(row['before'], row['after'])}; {verdict}{target})"
        )
    for row in validation.get("endpoints", []):
        if row["name"] not in judged:
            lines.append(
                f"demo: p95_ms:{row['name']}: {duration_ms(row['p95_ms_before'])} -> "
                f"{duration_ms(row['p95_ms_after'])} (no target)"
            )
    for row in validation.get("hot_functions", []):
        shares = (
            f"{share(row['before_share'])} -> {share(row['after_share'])} of the profile's samples"
            if row["status"] == "measured"
            else f"not profiled ({row['reason']})"
        )
        lines.append(f"demo: hot function {row['subject']}: {shares}")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if not TARGET.exists():
        print(f"demo: {TARGET} not found: run the demo from a source checkout", file=sys.stderr)
        return 2
    from perfpilot.cli.demo_target import DEFAULT_PORT, write_demo_target
    from perfpilot.cli.run import execute_run
    from perfpilot.run.request import RunRequest

    started = time.perf_counter()
    guard: Any = None
    if args.dsn is not None:
        from perfpilot.cli import demo_postgres as guard

        guard.use_local_password(args.dsn)
        try:
            guard.build_postgres(SHOP, args.dsn)
            before = guard.checksum(args.dsn)
        except Exception as exc:  # unreachable server, refused login: say so, no traceback
            print(
                f"demo: PostgreSQL not usable: {guard.reason(exc)} (start it: bash scripts/postgres-up.sh)",
                file=sys.stderr,
            )
            return 2
    else:
        build_data()
    custom = args.dsn is not None or args.port != DEFAULT_PORT
    target = write_demo_target(TARGET, port=args.port, pg_dsn=args.dsn) if custom else TARGET
    duration = args.duration or (20.0 if args.quick else 60.0)
    try:
        code = execute_run(
            RunRequest(
                target=target,
                out=args.out,
                live=True,
                apply="sandbox",
                # a p95 is judged on >= 100 requests per endpoint and run: at the target's 20 req/s the full
                # demo's 60 s runs give that to every endpoint but the rarest (1% of traffic); the quick
                # demo's 20 s runs give it only to the busiest, so its verdict is mostly 'too few samples'
                load_test_duration_s=duration,
                warmup_s=3.0 if duration < 60 else 5.0,
            ),
            headless=not sys.stdout.isatty(),
        )
    finally:
        if target != TARGET:
            target.unlink(missing_ok=True)
    page, notes = args.out / "report.html", args.out / "report.md"
    if (args.out / "report.json").exists():
        print("\n".join(_summary(json.loads((args.out / "report.json").read_text()))))
    if guard is not None:
        after, leftovers = guard.checksum(args.dsn), guard.leftover_sandboxes(args.dsn)
        same = "unchanged" if after == before else "CHANGED"
        print(
            f"demo: original database {same} (catalog sha256 {after.catalog[:12]}, data sha256 "
            f"{after.data[:12]} over {after.tables} tables; before {before.catalog[:12]}, {before.data[:12]})"
        )
        print(f"demo: sandbox databases left: {', '.join(leftovers) or 'none (dropped)'}")
        if after != before or leftovers:
            code = 7
    print(f"demo: finished in {time.perf_counter() - started:.0f} s with exit code {code}; report: {notes}")
    print(f"demo: open {page.resolve()} in a browser (one file, works offline)")
    return 0 if code in (0, 1, 3, 4, 5, 6) else code  # a finished run, whatever its verdict


def _guarded_main() -> None:
    sys.exit(main())


if __name__ == "__main__":
    from perfpilot.cli.crash import guarded

    raise SystemExit(guarded(_guarded_main, sys.argv))
