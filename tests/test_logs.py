"""One logging configuration: standard-library records (sqlglot, httpx...) rendered by structlog's chain."""

from __future__ import annotations

import json
import logging

import pytest

from perfpilot.logs import configure_logging


def test_library_warnings_are_json_lines_with_secrets_masked(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(headless=True, level="warning")
    logging.getLogger("sqlglot").warning("parse failed for password=hunter2")
    logging.getLogger("sqlglot").info("below the level")
    [line] = capsys.readouterr().err.splitlines()
    record = json.loads(line)
    assert record["event"] == "parse failed for password=***"
    assert (record["logger"], record["level"]) == ("sqlglot", "warning")
    assert "timestamp" in record


def test_configuring_again_replaces_the_handler(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(headless=True, level="info")
    configure_logging(headless=True, level="debug")
    logging.getLogger("httpx").debug("one request")
    assert len(capsys.readouterr().err.splitlines()) == 1


def test_library_info_chatter_shows_only_at_debug(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging(headless=False, level="info")
    logging.getLogger("httpx").info("HTTP Request: POST http://127.0.0.1/v1/messages")
    assert capsys.readouterr().err == ""
