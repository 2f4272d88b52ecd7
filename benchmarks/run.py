"""`make bench`: run every benchmark, then assemble docs/benchmarks.md from their sections."""

from __future__ import annotations

import platform
import subprocess
import sys
from pathlib import Path

from benchmarks.sections import cpu_model

ROOT = Path(__file__).resolve().parent.parent
SECTIONS = ROOT / "docs" / "bench"
OUTPUT = ROOT / "docs" / "benchmarks.md"

# (module, arguments): each writes its own section under docs/bench/.
BENCHMARKS: tuple[tuple[str, list[str]], ...] = (
    ("benchmarks.workflow_bench", ["--markdown", str(SECTIONS / "workflow.md")]),
    ("benchmarks.digest_bench", ["--markdown", str(SECTIONS / "digest.md")]),
    ("benchmarks.pgbadger_bench", ["--markdown", str(SECTIONS / "digest-postgres.md")]),
    ("benchmarks.tpch_bench", ["--markdown", str(SECTIONS / "index-advice.md")]),
    (
        "benchmarks.tpch_bench",
        ["--workload", "varied100", "--markdown", str(SECTIONS / "index-advice-100.md")],
    ),
    ("benchmarks.startup_bench", ["--markdown", str(SECTIONS / "startup.md")]),
)
ORDER = (
    "digest.md",
    "fingerprint-rules.md",  # written by hand: the rules the tests check, nothing measured
    "digest-postgres.md",
    "index-advice.md",
    "index-advice-100.md",
    "demo.md",
    "workflow.md",
    "startup.md",
)


def machine() -> str:
    return f"{platform.system()} {platform.machine()}, {cpu_model()}, Python {platform.python_version()}"


def assemble() -> None:
    parts = [
        "# Benchmarks",
        "",
        f"Machine: {machine()}.",
        "",
        "Each section names the command that produced it; `make bench` re-runs them all but the closed-loop"
        " demo's (minutes of load tests: run its command) and the fingerprint rules (written by hand).",
        "",
    ]
    names = sorted(
        SECTIONS.glob("*.md"), key=lambda p: (ORDER.index(p.name) if p.name in ORDER else 99, p.name)
    )
    parts += [p.read_text().strip() + "\n" for p in names]
    OUTPUT.write_text("\n".join(parts))


def main(argv: list[str] | None = None) -> int:
    only = set(argv if argv is not None else sys.argv[1:])
    failed = []
    for module, arguments in BENCHMARKS:
        if only and module.split(".")[-1] not in only:
            continue
        print(f"bench: {module}", flush=True)
        if subprocess.run([sys.executable, "-m", module, *arguments], cwd=ROOT).returncode != 0:
            failed.append(module)
    assemble()
    print(f"bench: wrote {OUTPUT}" + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
