"""The CLI's error boundary: an unexpected exception becomes one line and exit 2, its traceback a file."""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path

from perfpilot.cli.errors import EXIT_USAGE

CRASH_FILE = "crash.txt"
DEBUG_FLAG = "--debug"


def crash_folder(argv: list[str]) -> Path:
    """The command's output folder (`--out DIR`), else the temporary folder."""
    for i, arg in enumerate(argv):
        if arg == "--out" and i + 1 < len(argv):
            return Path(argv[i + 1])
        if arg.startswith("--out="):
            return Path(arg.split("=", 1)[1])
    return Path(tempfile.gettempdir()) / f"perfpilot-crash-{os.getpid()}"


def write_crash(exc: BaseException, folder: Path) -> Path | None:
    """The traceback, redacted, in folder/crash.txt (None when even that cannot be written)."""
    from perfpilot.redaction import redact  # imported on a crash only: start-up stays fast

    text = redact("".join(traceback.format_exception(exc)))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CRASH_FILE
        path.write_text(text, encoding="utf-8")
    except OSError:
        return None
    return path


def guarded(command: Callable[[], object], argv: list[str]) -> int:
    """Run the command; an exception it did not expect is reported in one line (exit 2), its traceback
    written to a crash file (and printed with --debug). Finished work was saved by the command itself."""
    debug = DEBUG_FLAG in argv
    if debug:
        argv.remove(DEBUG_FLAG)
    try:
        command()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else EXIT_USAGE)
    except Exception as exc:
        from perfpilot.redaction import redact

        path = write_crash(exc, crash_folder(argv))
        where = f"traceback in {path}" if path else "traceback could not be written"
        print(
            f"perfpilot: internal error: {type(exc).__name__}: {redact(str(exc))[:300]} "
            f"({where}; {DEBUG_FLAG} prints it)",
            file=sys.stderr,
        )
        if debug:
            print(redact("".join(traceback.format_exception(exc))), file=sys.stderr)
        return EXIT_USAGE
    return 0
