"""How the CLI reports bad input: one clear message on stderr, exit code 2, no traceback."""

from __future__ import annotations

import sys
from typing import NoReturn

import typer

EXIT_USAGE = 2


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print `perfpilot: <message>` to stderr and exit with `code`."""
    print(f"perfpilot: {message}", file=sys.stderr)
    raise typer.Exit(code)
