"""One logging configuration: standard-library records (sqlglot, httpx...) rendered by structlog's chain."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from perfpilot.logs import configure_logging


@pytest.fixture()
def restore_root_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.mark.usefixtures("restore_root_logging")
def test_library_warnings_are_json_lines_with_secrets_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(headless=True, level="warning")
    logging.getLogger("sqlglot").warning("parse failed for password=hunter2")
    logging.getLogger("sqlglot").info("below the level")
    [line] = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record["event"] == "parse failed for password=***"
    assert (record["logger"], record["level"]) == ("sqlglot", "warning")
    assert "timestamp" in record


@pytest.mark.usefixtures("restore_root_logging")
def test_configuring_again_replaces_the_handler(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(headless=True, level="warning")
    configure_logging(headless=True, level="info")
    logging.getLogger("httpx").info("one request")
    assert len(capsys.readouterr().err.splitlines()) == 1
