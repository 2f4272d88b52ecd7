"""structlog set-up: JSON lines when headless, readable on a terminal; secrets redacted either way."""

from __future__ import annotations

import logging
import sys

import structlog

from perfpilot.redaction import redact_processor


def _stderr_logger(*_args: object) -> structlog.PrintLogger:
    """A print logger on the current sys.stderr, looked up at each use (not when configured)."""
    return structlog.PrintLogger(sys.stderr)


def configure_logging(*, headless: bool, level: str = "info") -> None:
    """Configure structlog at the edge (every CLI command calls it). Logs go to stderr so stdout stays
    for output; the redaction processor runs before the renderer whatever the format."""
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if headless
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
