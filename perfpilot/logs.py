"""structlog set-up: JSON lines when headless, readable on a terminal; secrets redacted either way.

Libraries that log through the standard library (sqlglot, httpx, ...) go through the same processors and
renderer, at the same level: nothing reaches stderr as a raw print."""

from __future__ import annotations

import logging
import sys

import structlog

from perfpilot.redaction import redact_processor


def _stderr_logger(*_args: object) -> structlog.PrintLogger:
    """A print logger on the current sys.stderr, looked up at each use (not when configured)."""
    return structlog.PrintLogger(sys.stderr)


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler on the current sys.stderr, looked up at each record (as _stderr_logger does)."""

    @property
    def stream(self) -> object:
        return sys.stderr

    @stream.setter
    def stream(self, _value: object) -> None:
        pass


def reset_standard_logging() -> None:
    """Take the handler configure_logging put on the root logger off again (the default: warnings only)."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.setLevel(logging.WARNING)


def _route_standard_logging(renderer: structlog.typing.Processor, level: int) -> None:
    """Standard-library records rendered by structlog's processors; replaces any handler set before.
    Libraries' own info chatter (an HTTP client's line per request) shows only at debug level."""
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_logger_name,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_processor,
        ],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = _StderrHandler()
    handler.setFormatter(formatter)
    reset_standard_logging()
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level if level <= logging.DEBUG else max(level, logging.WARNING))


def configure_logging(*, headless: bool, level: str = "info") -> None:
    """Configure structlog at the edge (every CLI command calls it). Logs go to stderr so stdout stays
    for output; the redaction processor runs before the renderer whatever the format."""
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if headless
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    numeric_level = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    _route_standard_logging(renderer, numeric_level)
