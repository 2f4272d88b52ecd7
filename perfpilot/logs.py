"""structlog set-up: JSON lines when headless, readable on a terminal; secrets redacted either way."""

from __future__ import annotations

import logging
import sys

import structlog

from perfpilot.redaction import redact_processor


def configure_logging(*, headless: bool, level: str = "info") -> None:
    """Configure structlog once, at the edge (the CLI). Logs go to stderr so stdout stays for output."""
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
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )
