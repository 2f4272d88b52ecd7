"""Memory tracing a target opted into (service.memory_trace): the service runs under the tracemalloc
launcher, which writes a snapshot of its allocation sites each time perfpilot asks (a file)."""

from __future__ import annotations

from pathlib import Path

LAUNCHER = Path(__file__).with_name("tracemalloc_launcher.py")
FRAMES = 1  # allocation sites by their innermost line, as statistics("lineno") groups them


class MemoryTraceError(ValueError):
    """The service command cannot be wrapped (not `PYTHON -m module ...` nor `PYTHON script.py ...`)."""


def memtrace_dir(workdir: Path) -> Path:
    """Where a live run's service writes its snapshots (the run's work folder)."""
    return workdir / "live" / "memtrace"


def traced(argv: list[str], out: Path) -> list[str]:
    """The service command run under the launcher: the same interpreter, module or script and arguments."""
    rest = argv[1:]
    if not (rest[:1] == ["-m"] and len(rest) > 1) and not (rest and rest[0].endswith(".py")):
        raise MemoryTraceError(
            "service.memory_trace needs a command '{python} -m module ...' or '{python} script.py ...'"
        )
    return [argv[0], str(LAUNCHER), str(out), str(FRAMES), *rest]
